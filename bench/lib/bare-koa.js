'use strict';
// The HTTP ceiling: a bare Koa handler answering a small JSON body, in its own process like a service.
const Koa = require('koa');

const app = new Koa();
const body = { id: '0123456789abcdef01234567', name: 'Bare Koa', price: 1000, currency: 'EUR' };
app.use((ctx) => {
  ctx.body = body;
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
