'use strict';
const { request, folder, status, errorCode, set, expectBody, pollUntil, shapeOfOrder, shapeOfPage, O, address, card } = require('./blocks');

module.exports = folder('Orders', 'Orders, payments and the status machine (order-service).', [
  request('A customer orders two pairs', 'POST', O, {
    auth: 'customer',
    body: { items: [{ productId: '{{productId}}', quantity: 2 }], shippingAddress: address, status: 'DELIVERED', total: 1, userId: 'someone-else' },
    tests: [
      status(201),
      shapeOfOrder,
      expectBody('priced by the server', "pm.expect(b.status).to.eql('PENDING'); pm.expect(b.total).to.eql(2 * 8999); pm.expect(b.items[0]).to.include({ unitPrice: 8999, quantity: 2, lineTotal: 17998, name: 'Trail Shoe' }); pm.expect(b.userId).to.eql(pm.collectionVariables.get('customerId'));"),
      set('orderId', 'pm.response.json().id'),
    ],
  }),
  request('Read the order with its history', 'GET', `${O}/{{orderId}}`, {
    auth: 'customer',
    tests: [status(200), shapeOfOrder, expectBody('history starts PENDING', "pm.expect(b.history.map((h) => h.status)).to.eql(['PENDING']);")],
  }),
  request('List my orders', 'GET', `${O}?status=PENDING&page=1&limit=20`, {
    auth: 'customer',
    tests: [status(200), shapeOfPage, expectBody('mine only', "pm.expect(b.items.map((o) => o.id)).to.include(pm.collectionVariables.get('orderId')); b.items.forEach((o) => pm.expect(o.userId).to.eql(pm.collectionVariables.get('customerId')));")],
  }),
  request('Pay for it', 'POST', `${O}/{{orderId}}/pay`, {
    auth: 'customer',
    body: card('tok_visa'),
    tests: [status(200), expectBody('paid', "pm.expect(b.status).to.eql('PAID');")],
  }),
  request('Wait until the order is CONFIRMED', 'GET', `${O}/{{orderId}}`, {
    auth: 'customer',
    tests: pollUntil('the order reaches CONFIRMED', "(b) => b.status === 'CONFIRMED'"),
  }),
  request('Admin lists one customer\'s orders', 'GET', `${O}?userId={{customerId}}&limit=100`, {
    auth: 'admin',
    tests: [status(200), shapeOfPage, expectBody('that customer only', "pm.expect(b.total).to.be.at.least(1); b.items.forEach((o) => pm.expect(o.userId).to.eql(pm.collectionVariables.get('customerId')));")],
  }),
  request('Create with an Idempotency-Key', 'POST', O, {
    auth: 'customer',
    headers: { 'Idempotency-Key': 'order-{{runId}}' },
    body: { items: [{ productId: '{{productId}}', quantity: 1 }], shippingAddress: address },
    tests: [status(201), shapeOfOrder, expectBody('a new order', "pm.expect(b.id).to.match(/^[0-9a-f-]{36}$/); pm.expect(b.status).to.eql('PENDING');"), set('idempotentOrderId', 'pm.response.json().id')],
  }),
  request('The same key and body return the first order', 'POST', O, {
    auth: 'customer',
    headers: { 'Idempotency-Key': 'order-{{runId}}' },
    body: { items: [{ productId: '{{productId}}', quantity: 1 }], shippingAddress: address },
    tests: [status(201), expectBody('the same order', "pm.expect(b.id).to.eql(pm.collectionVariables.get('idempotentOrderId'));")],
  }),
  request('The same key with another body is refused', 'POST', O, {
    auth: 'customer',
    headers: { 'Idempotency-Key': 'order-{{runId}}' },
    body: { items: [{ productId: '{{productId}}', quantity: 3 }], shippingAddress: address },
    tests: [status(422), errorCode('IDEMPOTENCY_KEY_REUSED')],
  }),
  request('Cancel the unpaid order', 'POST', `${O}/{{idempotentOrderId}}/cancel`, {
    auth: 'customer',
    tests: [status(200), expectBody('cancelled', "pm.expect(b.status).to.eql('CANCELLED');")],
  }),
]);
