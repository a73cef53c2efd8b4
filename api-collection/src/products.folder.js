'use strict';
const { request, folder, status, errorCode, set, expectBody, pollUntil, shapeOfProduct, shapeOfPage, P, newProduct } = require('./blocks');

module.exports = folder('Products', 'Catalog, search, categories and reviews (product-service).', [
  request('Admin creates a product', 'POST', P, {
    auth: 'admin',
    body: { ...newProduct('Trail Shoe', 25, 8999), id: 'ignored', ratingAverage: 5 },
    tests: [
      status(201),
      shapeOfProduct,
      expectBody('as given, server fields its own', "pm.expect(b.price).to.eql(8999); pm.expect(b.quantity).to.eql(25); pm.expect(b.ratingCount).to.eql(0); pm.expect(b.ratingAverage).to.eql(0); pm.expect(b.id).to.match(/^[a-f0-9]{24}$/);"),
      set('productId', 'pm.response.json().id'),
    ],
  }),
  request('Admin creates a second product', 'POST', P, {
    auth: 'admin',
    body: newProduct('Rain Jacket', 10, 12900),
    tests: [status(201), shapeOfProduct, expectBody('a new id', "pm.expect(b.id).to.match(/^[a-f0-9]{24}$/); pm.expect(b.id).to.not.eql(pm.collectionVariables.get('productId'));"), set('productId2', 'pm.response.json().id')],
  }),
  request('Anyone reads a product', 'GET', `${P}/{{productId}}`, {
    tests: [status(200), shapeOfProduct, expectBody('that product', "pm.expect(b.name).to.eql('Trail Shoe');")],
  }),
  request('List a category, cheapest first', 'GET', `${P}?category=collection-{{runId}}&sort=price&page=1&limit=10`, {
    tests: [
      status(200),
      shapeOfPage,
      expectBody('both products, by price', "pm.expect(b.total).to.eql(2); pm.expect(b.items.map((p) => p.price)).to.eql([8999, 12900]);"),
    ],
  }),
  request('Search by text, in stock, within a price range', 'GET', `${P}?q=trail&inStock=true&minPrice=1000&maxPrice=9000&category=collection-{{runId}}`, {
    tests: [status(200), expectBody('the shoe only', "pm.expect(b.items.map((p) => p.id)).to.eql([pm.collectionVariables.get('productId')]);")],
  }),
  request('Batch look-up by ids', 'GET', `${P}?ids={{productId}},{{productId2}}`, {
    tests: [
      status(200),
      expectBody('the two asked for', "pm.expect(b.items.map((p) => p.id).sort()).to.eql([pm.collectionVariables.get('productId'), pm.collectionVariables.get('productId2')].sort());"),
    ],
  }),
  // Polled: another replica may answer a category list it read before these products existed, for up to a second.
  request('Categories with counts', 'GET', `${P}/categories`, {
    tests: pollUntil('ours is counted, twice', "(b) => b.items.some((i) => i.name === 'collection-' + pm.collectionVariables.get('runId') && i.count === 2)"),
  }),
  request('Admin changes a price', 'PATCH', `${P}/{{productId2}}`, {
    auth: 'admin',
    body: { price: 11900 },
    tests: [status(200), shapeOfProduct, expectBody('new price', 'pm.expect(b.price).to.eql(11900);')],
  }),
  request('A customer reviews a product', 'POST', `${P}/{{productId}}/reviews`, {
    auth: 'customer',
    body: { rating: 4, comment: 'Comfortable on long runs.' },
    tests: [status(201), expectBody('the review', 'pm.expect(b.rating).to.eql(4);')],
  }),
  request('Another customer reviews it', 'POST', `${P}/{{productId}}/reviews`, {
    auth: 'other',
    body: { rating: 5, comment: 'Great grip.' },
    tests: [status(201), expectBody('the review', 'pm.expect(b.rating).to.eql(5);')],
  }),
  request('A second review by the same customer is refused', 'POST', `${P}/{{productId}}/reviews`, {
    auth: 'customer',
    body: { rating: 1, comment: 'Changed my mind.' },
    tests: [status(409), errorCode('REVIEW_EXISTS')],
  }),
  request('Reviews of a product', 'GET', `${P}/{{productId}}/reviews?page=1&limit=10`, {
    tests: [status(200), shapeOfPage, expectBody('two reviews', 'pm.expect(b.total).to.eql(2);')],
  }),
  request('The product carries its rating', 'GET', `${P}/{{productId}}`, {
    tests: pollUntil('average of 4 and 5', '(b) => b.ratingCount === 2 && b.ratingAverage === 4.5'),
  }),
  request('Admin deletes the second product', 'DELETE', `${P}/{{productId2}}`, { auth: 'admin', tests: [status(204)] }),
  // Polled: another replica may answer from its read cache for up to a second.
  request('A deleted product is gone', 'GET', `${P}/{{productId2}}`, {
    tests: pollUntil('error code is NOT_FOUND', "(b) => Boolean(b.error) && b.error.code === 'NOT_FOUND'", { expectedStatus: 404 }),
  }),
  request('A deleted product leaves the listings', 'GET', `${P}?category=collection-{{runId}}&limit=100`, {
    tests: pollUntil(
      'the category lists the first product and not the deleted one',
      "(b) => b.items.some((p) => p.id === pm.collectionVariables.get('productId')) && !b.items.some((p) => p.id === pm.collectionVariables.get('productId2'))",
    ),
  }),
]);
