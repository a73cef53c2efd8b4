'use strict';
const { request, folder, status, pollUntil, P } = require('./blocks');

// The products this run created (productId2 is deleted by the Products folder itself).
const products = [
  ['the Trail Shoe', 'productId'],
  ['the Camp Stove', 'stoveId'],
  ['the Head Torch', 'torchId'],
  ['the Last Tent', 'tentId'],
  ['the Sleeping Bag', 'bagId'],
  ['the Trekking Poles', 'polesId'],
];

// Last, after Smoke (whose admin sign-in it uses): a replay leaves no product in the shared catalog.
// Accounts and orders stay: the API deletes neither.
module.exports = folder('Clean-up', "Admin deletes the products this run created, so replays don't fill the catalog. Run with the whole collection.", [
  ...products.map(([name, variable]) => request(`Admin deletes ${name}`, 'DELETE', `${P}/{{${variable}}}`, { auth: 'admin', tests: [status(204)] })),
  // Polled: another replica may answer from its category list for up to a second.
  request("The run's category has left the list", 'GET', `${P}/categories`, {
    tests: pollUntil("the run's category is gone", "(b) => !b.items.some((i) => i.name === 'collection-' + pm.collectionVariables.get('runId'))"),
  }),
]);
