'use strict';
// The HTTP ceiling: a bare Koa handler answering a small JSON body, in its own process like a service.
// With WORK_US set it first spins that many microseconds per request: a stand-in for a service's own
// work, to show what a given amount of work costs against the ceiling on this machine.
const Koa = require('koa');

const app = new Koa();
const body = { id: '0123456789abcdef01234567', name: 'Bare Koa', price: 1000, currency: 'EUR' };
const workMs = Number(process.env.WORK_US ?? 0) / 1000;
// Chosen once, so the ceiling itself runs no extra branch.
app.use(
  workMs > 0
    ? (ctx) => {
        const until = performance.now() + workMs;
        while (performance.now() < until);
        ctx.body = body;
      }
    : (ctx) => {
        ctx.body = body;
      },
);
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
