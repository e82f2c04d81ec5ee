#!/usr/bin/env node
'use strict';
// The `kalshi-autopilot` binary: runs the compiled CLI (npm ci builds it through the `prepare` script).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'client.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('kalshi-autopilot: not built yet: run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
require(entry).main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`kalshi-autopilot: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
