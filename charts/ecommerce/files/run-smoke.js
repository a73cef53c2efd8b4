// Replays the API collection's smoke folder with newman against a release (the helm test pod
// <release>-test-smoke runs it from the postman/newman image; scripts/test-chart.sh runs it locally).
//
// The collection addresses the API through one base URL, as a client behind the ingress does. A
// local router gives newman that base URL: each route sends a path prefix to a target. In "release"
// mode the routes are the Ingress rules (/api/users, /api/products, /api/orders, each to its
// service's public port) and any other path gets 404, like the ingress; in "ingress" mode one route
// sends everything to the ingress controller with SMOKE_HOST_HEADER as the Host.
//
// Environment: SMOKE_COLLECTION (path), SMOKE_FOLDER, SMOKE_ROUTES (JSON [{prefix, target}]),
// SMOKE_HOST_HEADER (optional), ADMIN_EMAIL, ADMIN_PASSWORD (collection variables adminEmail,
// adminPassword), SMOKE_TIMEOUT_MS (per request, default 15000). The collection's base URLs
// (usersUrl, productsUrl, ordersUrl) all name the router.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const newman = require('newman');

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`run-smoke: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const collection = JSON.parse(fs.readFileSync(required('SMOKE_COLLECTION'), 'utf8'));
const folder = required('SMOKE_FOLDER');
const routes = JSON.parse(required('SMOKE_ROUTES'));
const hostHeader = process.env.SMOKE_HOST_HEADER || '';

/** The route whose prefix matches the path element-wise, as an Ingress Prefix path does. */
function routeFor(url) {
  const path = url.split('?')[0];
  return routes.find((r) => r.prefix === '/' || path === r.prefix || path.startsWith(`${r.prefix}/`));
}

const router = http.createServer((req, res) => {
  const route = routeFor(req.url);
  if (!route) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no ingress rule routes ${req.url}`, details: [] } }));
    return;
  }
  const target = new URL(route.target);
  const upstream = http.request(
    {
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: hostHeader || target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'BAD_GATEWAY', message: `${route.target}: ${err.message}`, details: [] } }));
  });
  req.pipe(upstream);
});

router.listen(0, '127.0.0.1', () => {
  const routerUrl = `http://127.0.0.1:${router.address().port}`;
  console.log(`run-smoke: folder "${folder}" via ${routerUrl} -> ${routes.map((r) => `${r.prefix} ${r.target}`).join(', ')}`);
  newman.run(
    {
      collection,
      folder,
      reporters: ['cli'],
      timeoutRequest: Number(process.env.SMOKE_TIMEOUT_MS || 15000),
      // The collection's variables (see api-collection/environments): one base URL per service,
      // all pointing at the router here, which sends each /api prefix where the Ingress would.
      envVar: [
        { key: 'usersUrl', value: routerUrl },
        { key: 'productsUrl', value: routerUrl },
        { key: 'ordersUrl', value: routerUrl },
        { key: 'adminEmail', value: process.env.ADMIN_EMAIL || '' },
        { key: 'adminPassword', value: process.env.ADMIN_PASSWORD || '' },
      ],
    },
    (err, summary) => {
      router.close();
      if (err) {
        console.error(`run-smoke: newman could not run: ${err.message}`);
        process.exit(1);
      }
      const { stats, failures } = summary.run;
      if (stats.requests.total === 0) {
        console.error(`run-smoke: folder "${folder}" sent no request`);
        process.exit(1);
      }
      if (failures.length > 0 || stats.assertions.failed > 0 || stats.requests.failed > 0) {
        console.error(`run-smoke: ${failures.length} failure(s)`);
        process.exit(1);
      }
      console.log(`run-smoke: ${stats.requests.total} request(s), ${stats.assertions.total} assertion(s), all passed`);
      process.exit(0);
    },
  );
});
