'use strict';
const { request, folder, status, errorCode, set, expectBody, pollUntil, registerAndLogin, loginAdmin, P, O, address, card, newProduct } = require('./blocks');

const createProduct = (name, variable, quantity) =>
  request(`Admin stocks ${name} (${quantity})`, 'POST', P, { auth: 'admin', body: newProduct(name, quantity, 2500), tests: [status(201), set(variable, 'pm.response.json().id')] });
const order = (title, who, productVar, quantity, orderVar) =>
  request(title, 'POST', O, {
    auth: who,
    body: { items: [{ productId: `{{${productVar}}}`, quantity }], shippingAddress: address },
    tests: [status(201), set(orderVar, 'pm.response.json().id')],
  });
const pay = (title, who, orderVar, token = 'tok_visa') =>
  request(title, 'POST', `${O}/{{${orderVar}}}/pay`, { auth: who, body: card(token), tests: [status(200), expectBody('paid', "pm.expect(b.status).to.eql('PAID');")] });
const waitFor = (title, who, orderVar, state, reason) =>
  request(title, 'GET', `${O}/{{${orderVar}}}`, {
    auth: who,
    tests: pollUntil(`the order reaches ${state}${reason ? ` (${reason})` : ''}`, reason
      ? `(b) => b.status === '${state}' && b.history[b.history.length - 1].reason === '${reason}'`
      : `(b) => b.status === '${state}'`),
  });
// Polled: a replica that priced the order may still hold the product's stock from before it (1 s).
const stockIs = (title, productVar, quantity) =>
  request(title, 'GET', `${P}/{{${productVar}}}`, {
    tests: pollUntil(`stock is ${quantity}`, `(b) => b.quantity === ${quantity}`),
  });

module.exports = folder('Flows', 'Whole journeys through all four services. The first registers Bea and signs the admin in for the others, so run the folder whole (or the whole collection).', [
  folder('Buy, pay and get confirmed', 'Register, log in, admin stocks a product, order, pay, CONFIRMED, stock taken.', [
    ...registerAndLogin('buyer', 'Bea Buyer'),
    loginAdmin,
    createProduct('Camp Stove', 'stoveId', 8),
    order('Bea orders three stoves', 'buyer', 'stoveId', 3, 'stoveOrderId'),
    pay('Bea pays', 'buyer', 'stoveOrderId'),
    waitFor('Wait until CONFIRMED', 'buyer', 'stoveOrderId', 'CONFIRMED'),
    stockIs('Stock went from 8 to 5', 'stoveId', 5),
  ]),
  folder('A declined card, then a good one', 'PAYMENT_FAILED can be paid again.', [
    createProduct('Head Torch', 'torchId', 5),
    order('Bea orders a torch', 'buyer', 'torchId', 1, 'torchOrderId'),
    request('The card is declined', 'POST', `${O}/{{torchOrderId}}/pay`, {
      auth: 'buyer',
      body: card('tok_chargeDeclined'),
      tests: [status(402), errorCode('PAYMENT_DECLINED')],
    }),
    request('The order is PAYMENT_FAILED', 'GET', `${O}/{{torchOrderId}}`, {
      auth: 'buyer',
      tests: [status(200), expectBody('failed, can be paid again', "pm.expect(b.status).to.eql('PAYMENT_FAILED');")],
    }),
    pay('Another card goes through', 'buyer', 'torchOrderId'),
    waitFor('Wait until CONFIRMED', 'buyer', 'torchOrderId', 'CONFIRMED'),
  ]),
  folder('Two buyers race for the last unit', 'Both orders are taken while one unit is left; the second paid ends REFUNDED.', [
    createProduct('Last Tent', 'tentId', 1),
    ...registerAndLogin('rival', 'Rita Rival'),
    order('Bea orders the tent', 'buyer', 'tentId', 1, 'tentOrderA'),
    order('Rita orders the tent too', 'rival', 'tentId', 1, 'tentOrderB'),
    pay('Bea pays first', 'buyer', 'tentOrderA'),
    waitFor('Bea\'s order is CONFIRMED', 'buyer', 'tentOrderA', 'CONFIRMED'),
    pay('Rita pays second', 'rival', 'tentOrderB'),
    request('Rita\'s order is REFUNDED (OUT_OF_STOCK), her money given back', 'GET', `${O}/{{tentOrderB}}`, {
      auth: 'rival',
      tests: pollUntil(
        'REFUNDED for OUT_OF_STOCK, with a refund of the charge carrying the gateway\'s reference',
        "(b) => { if (b.status !== 'REFUNDED' || !Array.isArray(b.payments)) return false; const charge = b.payments.find((p) => p.kind === 'charge' && p.status === 'succeeded'); return b.history[b.history.length - 1].reason === 'OUT_OF_STOCK' && Boolean(charge) && b.payments.some((p) => p.kind === 'refund' && p.status === 'succeeded' && p.amount === charge.amount && p.currency === charge.currency && typeof p.reference === 'string' && p.reference.length > 0); }",
      ),
    }),
    stockIs('No tent is left, none oversold', 'tentId', 0),
  ]),
  folder('Cancelling a confirmed order gives the stock back', 'CONFIRMED → CANCELLED refunds and releases.', [
    createProduct('Sleeping Bag', 'bagId', 5),
    order('Bea orders two bags', 'buyer', 'bagId', 2, 'bagOrderId'),
    pay('Bea pays', 'buyer', 'bagOrderId'),
    waitFor('Wait until CONFIRMED', 'buyer', 'bagOrderId', 'CONFIRMED'),
    stockIs('Two bags are taken', 'bagId', 3),
    request('Bea cancels', 'POST', `${O}/{{bagOrderId}}/cancel`, {
      auth: 'buyer',
      tests: [status(200), expectBody('cancelled', "pm.expect(b.status).to.eql('CANCELLED');"), expectBody('the charge is refunded, with the gateway\'s reference', "const charge = b.payments.find((p) => p.kind === 'charge' && p.status === 'succeeded'); const refund = b.payments.find((p) => p.kind === 'refund'); pm.expect(refund).to.include({ status: 'succeeded', amount: charge.amount, currency: charge.currency }); pm.expect(refund.reference).to.be.a('string').and.not.empty;")],
    }),
    stockIs('Both bags are back', 'bagId', 5),
  ]),
  folder('Shipping and delivery', 'Admin moves a confirmed order to SHIPPED, then DELIVERED.', [
    createProduct('Trekking Poles', 'polesId', 4),
    order('Bea orders poles', 'buyer', 'polesId', 1, 'polesOrderId'),
    pay('Bea pays', 'buyer', 'polesOrderId'),
    waitFor('Wait until CONFIRMED', 'buyer', 'polesOrderId', 'CONFIRMED'),
    request('A confirmed order cannot skip to DELIVERED', 'PATCH', `${O}/{{polesOrderId}}/status`, {
      auth: 'admin', body: { status: 'DELIVERED' }, tests: [status(409), errorCode('INVALID_STATE')],
    }),
    request('Admin ships it', 'PATCH', `${O}/{{polesOrderId}}/status`, {
      auth: 'admin', body: { status: 'SHIPPED' }, tests: [status(200), expectBody('shipped', "pm.expect(b.status).to.eql('SHIPPED');")],
    }),
    request('A shipped order cannot be cancelled', 'POST', `${O}/{{polesOrderId}}/cancel`, { auth: 'buyer', tests: [status(409), errorCode('INVALID_STATE')] }),
    request('Admin marks it delivered', 'PATCH', `${O}/{{polesOrderId}}/status`, {
      auth: 'admin', body: { status: 'DELIVERED' }, tests: [status(200), expectBody('delivered', "pm.expect(b.status).to.eql('DELIVERED');")],
    }),
    request('A delivered order cannot be cancelled', 'POST', `${O}/{{polesOrderId}}/cancel`, { auth: 'buyer', tests: [status(409), errorCode('INVALID_STATE')] }),
    request('The history tells the whole story', 'GET', `${O}/{{polesOrderId}}`, {
      auth: 'buyer',
      tests: [status(200), expectBody('every step', "pm.expect(b.history.map((h) => h.status)).to.eql(['PENDING','PAID','CONFIRMED','SHIPPED','DELIVERED']);")],
    }),
  ]),
]);
