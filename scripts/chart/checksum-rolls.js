#!/usr/bin/env node
// Which service Deployments would roll between two renderings: compares their pod annotations
// checksum/config and checksum/secret and checks the changed sets against the expected ones.
// usage: checksum-rolls.js before.yaml after.yaml --config a,b --secret c,d   (empty: none changes)
'use strict';

const { Render, SERVICES } = require('./lib/render');

function changed(before, after, annotation) {
  return Object.keys(SERVICES)
    .filter((c) => before.serviceWorkload(c).annotations[annotation] !== after.serviceWorkload(c).annotations[annotation])
    .sort()
    .join(',');
}

const [beforeFile, afterFile, ...rest] = process.argv.slice(2);
const want = { config: '', secret: '' };
for (let i = 0; i < rest.length; i += 2) want[rest[i].replace(/^--/, '')] = rest[i + 1].split(',').filter(Boolean).sort().join(',');
const before = Render.load(beforeFile);
const after = Render.load(afterFile);
let failed = false;
for (const kind of ['config', 'secret']) {
  const got = changed(before, after, `checksum/${kind}`);
  if (got !== want[kind]) {
    console.log(`  ✗ checksum/${kind} changed for [${got}], expected [${want[kind]}]`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
