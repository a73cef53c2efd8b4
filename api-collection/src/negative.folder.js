'use strict';
const { request, folder, status, errorCode, expectBody, shapeOfError, U, P, O, address, card } = require('./blocks');

const fails = (code, errCode) => [status(code), shapeOfError, errCode];

module.exports = folder('Negative cases', 'Each status code the contract promises for bad requests.', [
  request('400: a short password', 'POST', `${U}/register`, {
    body: { email: 'short-{{runId}}@example.com', password: 'short', name: 'S' },
    tests: [...fails(400, errorCode('VALIDATION_FAILED')), expectBody('names the field', "pm.expect(b.error.details.map((d) => d.field)).to.include('password');")],
  }),
  request('400: a negative price', 'POST', P, {
    auth: 'admin',
    body: { name: 'Bad', description: 'bad', price: -1, currency: 'EUR', category: 'x', quantity: 1.5, imageUrls: [] },
    tests: [...fails(400, errorCode('VALIDATION_FAILED')), expectBody('names both fields', "pm.expect(b.error.details.map((d) => d.field)).to.include.members(['price','quantity']);")],
  }),
  request('400: a query operator where a string belongs', 'POST', `${U}/login`, {
    body: { email: { $gt: '' }, password: { $ne: null } },
    tests: [...fails(400, errorCode('VALIDATION_FAILED'))],
  }),
  request('400: malformed JSON', 'POST', `${U}/login`, { body: '{"email": "x@example.com",', tests: fails(400, errorCode('MALFORMED_JSON')) }),
  request('401: no token', 'GET', `${U}/me`, {
    tests: [...fails(401, errorCode('UNAUTHENTICATED')), "pm.test('names the Bearer scheme', () => pm.expect(pm.response.headers.get('WWW-Authenticate')).to.eql('Bearer'));"],
  }),
  request('401: a tampered token', 'GET', `${O}`, {
    pre: ["const t = pm.collectionVariables.get('customerToken'); pm.collectionVariables.set('tamperedToken', t.slice(0, -3) + (t.endsWith('abc') ? 'xyz' : 'abc'));"],
    auth: '{{tamperedToken}}',
    tests: fails(401, errorCode('UNAUTHENTICATED')),
  }),
  request('401: wrong password', 'POST', `${U}/login`, {
    body: { email: 'customer-{{runId}}@example.com', password: 'not-the-password' },
    tests: fails(401, errorCode('INVALID_CREDENTIALS')),
  }),
  request('403: a customer lists users', 'GET', U, { auth: 'customer', tests: fails(403, errorCode('FORBIDDEN')) }),
  request('403: a customer creates a product', 'POST', P, {
    auth: 'customer',
    body: { name: 'Mine', description: 'd', price: 1, currency: 'EUR', category: 'x', quantity: 1, imageUrls: [] },
    tests: fails(403, errorCode('FORBIDDEN')),
  }),
  request('404: another customer\'s order', 'GET', `${O}/{{orderId}}`, { auth: 'other', tests: fails(404, errorCode('NOT_FOUND')) }),
  request('404: paying another customer\'s order', 'POST', `${O}/{{orderId}}/pay`, { auth: 'other', body: card('tok_visa'), tests: fails(404, errorCode('NOT_FOUND')) }),
  request('403: an admin paying a customer\'s order', 'POST', `${O}/{{orderId}}/pay`, { auth: 'admin', body: card('tok_visa'), tests: fails(403, errorCode('FORBIDDEN')) }),
  request('405: a method the route does not take', 'DELETE', `${O}/{{orderId}}`, { auth: 'customer', tests: fails(405, errorCode('METHOD_NOT_ALLOWED')) }),
  request('404: a malformed product id', 'GET', `${P}/not-an-id`, { tests: fails(404, errorCode('NOT_FOUND')) }),
  request('409: an email already taken (any case)', 'POST', `${U}/register`, {
    body: { email: 'CUSTOMER-{{runId}}@Example.com', password: 'correct-horse-battery', name: 'Dup' },
    tests: fails(409, errorCode('EMAIL_TAKEN')),
  }),
  request('409: paying a confirmed order', 'POST', `${O}/{{orderId}}/pay`, { auth: 'customer', body: card('tok_visa'), tests: fails(409, errorCode('INVALID_STATE')) }),
  request('409: more than the stock', 'POST', O, {
    auth: 'customer',
    body: { items: [{ productId: '{{productId}}', quantity: 999 }], shippingAddress: address },
    tests: fails(409, errorCode('INSUFFICIENT_STOCK')),
  }),
  request('422: an unknown product', 'POST', O, {
    auth: 'customer',
    body: { items: [{ productId: 'ffffffffffffffffffffffff', quantity: 1 }], shippingAddress: address },
    tests: fails(422, errorCode('UNKNOWN_PRODUCT')),
  }),
  request('429: repeated failed logins', 'POST', `${U}/login`, {
    body: { email: 'throttled-{{runId}}@example.com', password: 'wrong-password-every-time' },
    tests: [
      "const key = 'poll:throttle';",
      'const n = Number(pm.collectionVariables.get(key) || 0);',
      'if (pm.response.code !== 429 && n < 20) {',
      '  pm.test("a failed login is 401 until throttled", () => pm.response.to.have.status(401));',
      '  pm.collectionVariables.set(key, n + 1);',
      '  pm.execution.setNextRequest(pm.info.requestId);',
      '} else {',
      '  pm.collectionVariables.unset(key);',
      '  pm.test("throttled with 429", () => pm.response.to.have.status(429));',
      '  pm.test("with Retry-After", () => pm.expect(Number(pm.response.headers.get("Retry-After"))).to.be.above(0));',
      '}',
    ],
  }),
]);
