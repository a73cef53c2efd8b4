// Building blocks of the API collection: requests with their tests, in Postman v2.1 form.
'use strict';

// ---------- building blocks ----------
const status = (code) => `pm.test('status is ${code}', () => pm.response.to.have.status(${code}));`;
const errorCode = (code) =>
  `pm.test('error code is ${code}', () => pm.expect(pm.response.json().error.code).to.eql('${code}'));`;
const set = (name, expr) => `pm.collectionVariables.set('${name}', ${expr});`;
const expectBody = (title, body) => `pm.test(${JSON.stringify(title)}, () => { const b = pm.response.json(); ${body} });`;
const shapeOfUser = expectBody('a user, without secrets', "pm.expect(b).to.have.all.keys('id','email','name','role','createdAt');");
const shapeOfPage = expectBody('a page', "pm.expect(b).to.include.keys('items','page','limit','total'); pm.expect(b.items).to.be.an('array');");
const shapeOfOrder = expectBody(
  'an order',
  "pm.expect(b).to.include.keys('id','userId','status','items','total','currency','shippingAddress','history','createdAt','updatedAt');",
);
const shapeOfProduct = expectBody(
  'a product',
  "pm.expect(b).to.include.keys('id','name','description','price','currency','category','quantity','imageUrls','ratingAverage','ratingCount','createdAt','updatedAt');",
);
const shapeOfError = expectBody('the contract error body', "pm.expect(b.error).to.include.keys('code','message'); pm.expect(JSON.stringify(b)).to.not.match(/at .*\\.js:/);");

/**
 * Repeats the request (bounded) until it answers `expectedStatus` and check(body) holds, then
 * asserts both once: an error answer never passes as the state polled for.
 */
const pollUntil = (title, check, { expectedStatus = 200, tries = 60, delayMs = 250 } = {}) => [
  // An ingress answers an HTML 502/503 while a pod restarts: not done yet, not a script error.
  `let body; try { body = pm.response.json(); } catch (e) { body = pm.response.text(); }`,
  `const key = 'poll:' + pm.info.requestId;`,
  `const done = pm.response.code === ${expectedStatus} && typeof body === 'object' && body !== null && (${check})(body);`,
  `const n = Number(pm.collectionVariables.get(key) || 0);`,
  `if (!done && n < ${tries}) {`,
  `  pm.collectionVariables.set(key, n + 1);`,
  `  setTimeout(() => {}, ${delayMs});`,
  `  pm.execution.setNextRequest(pm.info.requestId);`,
  `} else {`,
  `  pm.collectionVariables.unset(key);`,
  `  ${status(expectedStatus)}`,
  `  pm.test(${JSON.stringify(title)}, () => pm.expect(done, 'gave up after ' + (n + 1) + ' tries; last answer: ' + JSON.stringify(body)).to.eql(true));`,
  `}`,
];

const newRunId = "pm.collectionVariables.set('runId', Date.now().toString(36) + Math.random().toString(36).slice(2, 6));";

function request(name, method, url, options = {}) {
  const header = [];
  if (options.body !== undefined) header.push({ key: 'Content-Type', value: 'application/json' });
  // `auth: 'buyer'` means the token saved as buyerToken; a value with {{…}} is used as it is.
  if (options.auth) header.push({ key: 'Authorization', value: `Bearer ${options.auth.includes('{{') ? options.auth : `{{${options.auth}Token}}`}` });
  for (const [key, value] of Object.entries(options.headers ?? {})) header.push({ key, value });
  const event = [];
  if (options.pre) event.push({ listen: 'prerequest', script: { type: 'text/javascript', exec: [].concat(options.pre) } });
  event.push({ listen: 'test', script: { type: 'text/javascript', exec: [].concat(options.tests ?? []) } });
  const item = { name, event, request: { method, header, url } };
  if (options.body !== undefined) {
    item.request.body = {
      mode: 'raw',
      raw: typeof options.body === 'string' ? options.body : JSON.stringify(options.body, null, 2),
      options: { raw: { language: 'json' } },
    };
  }
  return item;
}
const folder = (name, description, item) => ({ name, description, item });

const U = '{{usersUrl}}/api/users';
const P = '{{productsUrl}}/api/products';
const O = '{{ordersUrl}}/api/orders';
const address = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
const card = (token) => ({ paymentMethod: { type: 'card', token } });
const newProduct = (name, quantity, price = 1999) => ({
  name, description: `${name} from the API collection run {{runId}}`, price, currency: 'EUR', category: 'collection-{{runId}}', quantity,
  imageUrls: ['https://example.com/images/item.jpg'],
});

// Accounts every folder may rely on: a run id, the admin token, and customers.
const loginAdmin = request('Admin logs in', 'POST', `${U}/login`, {
  body: { email: '{{adminEmail}}', password: '{{adminPassword}}' },
  tests: [status(200), expectBody('a token pair', "pm.expect(b.tokenType).to.eql('Bearer'); pm.expect(b.expiresIn).to.be.above(0);"), set('adminToken', 'pm.response.json().accessToken')],
});
/** `pre`: a pre-request script for the registration (the collection's first request starts a new run). */
const registerAndLogin = (who, label, { pre } = {}) => [
  request(`Register ${label}`, 'POST', `${U}/register`, {
    pre,
    body: { email: `${who}-{{runId}}@example.com`, password: 'correct-horse-battery', name: label, role: 'admin' },
    tests: [status(201), shapeOfUser, expectBody('role is always customer', "pm.expect(b.role).to.eql('customer');"), set(`${who}Id`, 'pm.response.json().id')],
  }),
  request(`${label} logs in`, 'POST', `${U}/login`, {
    body: { email: `${who}-{{runId}}@example.com`, password: 'correct-horse-battery' },
    tests: [status(200), set(`${who}Token`, 'pm.response.json().accessToken'), set(`${who}Refresh`, 'pm.response.json().refreshToken')],
  }),
];
module.exports = {
  request, folder, status, errorCode, set, expectBody, pollUntil, shapeOfUser, shapeOfPage, shapeOfOrder, shapeOfProduct, shapeOfError,
  loginAdmin, registerAndLogin, U, P, O, address, card, newProduct, newRunId,
};
