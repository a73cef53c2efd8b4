// The harness's own helpers are plain JavaScript (run with node, no build): tested as they are.
module.exports = { displayName: 'bench', rootDir: __dirname, testEnvironment: 'node', testMatch: ['<rootDir>/test/**/*.test.js'] };
