#!/usr/bin/env node
// Runs charts/ecommerce/files/run-smoke.js (what the smoke-test pod runs) locally with the repo's
// newman, against stub services, with the chart's fixture collection: the router must apply the
// Ingress rules (three /api prefixes, whole path elements, everything else 404) or, in ingress mode,
// send everything to one controller with SMOKE_HOST_HEADER as the Host; newman must run only the
// Smoke folder, and the exit code must say whether the folder passed.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(ROOT, 'charts/ecommerce/files/run-smoke.js');
const FIXTURE = path.join(ROOT, 'charts/ecommerce/tests/fixtures/smoke.postman_collection.json');

/**
 * A stand-in service that answers with its name, the URL and the body it received. `service` may be a
 * function of the request: the stand-in ingress controller names the service its rules pick, or
 * nothing (404).
 */
function stub(service, status = 200) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const name = typeof service === 'function' ? service(req) : service;
      res.writeHead(name ? status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ service: name, url: req.url, body }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function run(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER], {
      env: { PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function main() {
  const users = await stub('user-service');
  const products = await stub('product-service');
  const orders = await stub('order-service');
  const brokenOrders = await stub('order-service', 500);
  // The ingress controller: the chart's rules, for its host only.
  const ingress = await stub((req) => {
    const path = req.url.split('?')[0];
    const prefix = ['/api/users', '/api/products', '/api/orders'].find((p) => path === p || path.startsWith(`${p}/`));
    return req.headers.host === 'shop.example.test' && prefix ? `${prefix.slice(5, -1)}-service` : undefined;
  });
  const url = (s) => `http://127.0.0.1:${s.address().port}`;
  const routes = (ordersServer) => JSON.stringify([
    { prefix: '/api/users', target: url(users) },
    { prefix: '/api/products', target: url(products) },
    { prefix: '/api/orders', target: url(ordersServer) },
  ]);
  const base = { SMOKE_COLLECTION: FIXTURE, SMOKE_FOLDER: 'Smoke', ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'a-long-admin-password' };
  const cases = [
    ['the Smoke folder passes against healthy services', { ...base, SMOKE_ROUTES: routes(orders) }, 0, /5 request\(s\).*all passed/],
    ['a failing request fails the run', { ...base, SMOKE_ROUTES: routes(brokenOrders) }, 1, /failure\(s\)/],
    ['an unknown folder fails the run', { ...base, SMOKE_FOLDER: 'Smokey', SMOKE_ROUTES: routes(orders) }, 1, /could not run|sent no request/],
    ['ingress mode: one "/" route, with SMOKE_HOST_HEADER as the Host', {
      ...base, SMOKE_ROUTES: JSON.stringify([{ prefix: '/', target: url(ingress) }]), SMOKE_HOST_HEADER: 'shop.example.test',
    }, 0, /5 request\(s\).*all passed/],
    ['ingress mode without the Host header reaches no rule', {
      ...base, SMOKE_ROUTES: JSON.stringify([{ prefix: '/', target: url(ingress) }]),
    }, 1, /failure\(s\)/],
    ['a missing setting is named', { ...base, SMOKE_ROUTES: '' }, 2, /SMOKE_ROUTES is required/],
  ];
  let failed = 0;
  for (const [what, env, code, pattern] of cases) {
    const result = await run(env);
    try {
      assert.equal(result.code, code);
      assert.match(result.output, pattern);
      console.log(`  ✓ ${what}`);
    } catch (err) {
      failed++;
      console.log(`  ✗ ${what}: ${err.message}\n${result.output}`);
    }
  }
  for (const s of [users, products, orders, brokenOrders, ingress]) s.close();
  if (failed) process.exit(1);
}

main();
