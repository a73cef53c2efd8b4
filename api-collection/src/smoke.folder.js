'use strict';
const { request, folder, status, set, expectBody, shapeOfPage, loginAdmin, U, P, O } = require('./blocks');

// Self-contained (helm test runs this folder alone against a release): read-only but for logging in.
module.exports = folder('Smoke', 'Quick checks that each service answers through the entry point; run alone by `helm test`.', [
  loginAdmin,
  request('Smoke: who am I', 'GET', `${U}/me`, {
    auth: 'admin',
    tests: [status(200), expectBody('the admin', "pm.expect(b.role).to.eql('admin');")],
  }),
  request('Smoke: the catalog answers', 'GET', `${P}?limit=1`, { tests: [status(200), shapeOfPage] }),
  request('Smoke: categories answer', 'GET', `${P}/categories`, { tests: [status(200), expectBody('a list of categories', "pm.expect(b.items).to.be.an('array');")] }),
  request('Smoke: orders answer', 'GET', `${O}?limit=1`, { auth: 'admin', tests: [status(200), shapeOfPage, set('smokeDone', 'true')] }),
]);
