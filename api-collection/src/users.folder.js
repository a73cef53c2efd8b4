'use strict';
const { request, folder, status, errorCode, set, expectBody, shapeOfUser, shapeOfPage, shapeOfError, loginAdmin, registerAndLogin, newRunId, U } = require('./blocks');

module.exports = folder('Users', 'Accounts, sessions and roles (user-service).', [
  // A replay starts here: a new run id, also for the next iteration of newman -n or another run in Postman's runner.
  ...registerAndLogin('customer', 'Casey Customer', { pre: newRunId }),
  ...registerAndLogin('other', 'Oliver Other'),
  request('Read my account', 'GET', `${U}/me`, {
    auth: 'customer',
    tests: [status(200), shapeOfUser, expectBody('it is me', "pm.expect(b.id).to.eql(pm.collectionVariables.get('customerId'));")],
  }),
  request('Rename myself (role in the body changes nothing)', 'PATCH', `${U}/me`, {
    auth: 'customer',
    body: { name: 'Casey C. Customer', role: 'admin', email: 'hijack@example.com' },
    tests: [
      status(200),
      shapeOfUser,
      expectBody('only the name changed', "pm.expect(b.name).to.eql('Casey C. Customer'); pm.expect(b.role).to.eql('customer'); pm.expect(b.email).to.match(/^customer-/);"),
    ],
  }),
  request('Refresh the session', 'POST', `${U}/token/refresh`, {
    body: { refreshToken: '{{customerRefresh}}' },
    tests: [
      status(200),
      expectBody('a new pair', "pm.expect(b.refreshToken).to.not.eql(pm.collectionVariables.get('customerRefresh')); pm.expect(b.tokenType).to.eql('Bearer');"),
      set('customerOldRefresh', "pm.collectionVariables.get('customerRefresh')"),
      set('customerToken', 'pm.response.json().accessToken'),
      set('customerRefresh', 'pm.response.json().refreshToken'),
    ],
  }),
  request('The rotated-out refresh token is dead, and reusing it revokes its family', 'POST', `${U}/token/refresh`, {
    body: { refreshToken: '{{customerOldRefresh}}' },
    tests: [status(401), errorCode('UNAUTHENTICATED'), shapeOfError],
  }),
  request("The family's newest refresh token is refused too", 'POST', `${U}/token/refresh`, {
    body: { refreshToken: '{{customerRefresh}}' },
    tests: [status(401), errorCode('UNAUTHENTICATED')],
  }),
  request('Log in after the revocation', 'POST', `${U}/login`, {
    body: { email: 'customer-{{runId}}@example.com', password: 'correct-horse-battery' },
    tests: [status(200), set('customerToken', 'pm.response.json().accessToken'), set('customerRefresh', 'pm.response.json().refreshToken')],
  }),
  request('Log out', 'POST', `${U}/logout`, {
    body: { refreshToken: '{{customerRefresh}}' },
    tests: [status(204)],
  }),
  request('A logged-out refresh token is refused', 'POST', `${U}/token/refresh`, {
    body: { refreshToken: '{{customerRefresh}}' },
    tests: [status(401), errorCode('UNAUTHENTICATED'), shapeOfError],
  }),
  request('Log in again', 'POST', `${U}/login`, {
    body: { email: 'customer-{{runId}}@example.com', password: 'correct-horse-battery' },
    tests: [status(200), set('customerToken', 'pm.response.json().accessToken'), set('customerRefresh', 'pm.response.json().refreshToken')],
  }),
  loginAdmin,
  request('Admin lists users', 'GET', `${U}?page=1&limit=100`, {
    auth: 'admin',
    tests: [status(200), shapeOfPage, expectBody('there are users', 'pm.expect(b.total).to.be.at.least(3); pm.expect(b.limit).to.eql(100);')],
  }),
  request('Admin makes a user admin', 'PATCH', `${U}/{{otherId}}/role`, {
    auth: 'admin',
    body: { role: 'admin' },
    tests: [status(200), shapeOfUser, expectBody('now admin', "pm.expect(b.role).to.eql('admin');")],
  }),
  request('Admin makes them customer again', 'PATCH', `${U}/{{otherId}}/role`, {
    auth: 'admin',
    body: { role: 'customer' },
    tests: [status(200), expectBody('customer again', "pm.expect(b.role).to.eql('customer');")],
  }),
]);
