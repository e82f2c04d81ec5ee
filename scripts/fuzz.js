#!/usr/bin/env node
/**
 * `npm run fuzz -- [--runs N] [--seed S] [--path P] [jest path filters…]`: the fuzz suites (test/fuzz) with more cases
 * than CI's, or one failure replayed from the seed and path its message printed. Sets FUZZ_RUNS / FUZZ_SEED /
 * FUZZ_PATH and runs jest on test/fuzz (or on the filters given).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
const filters = [];
const args = process.argv.slice(2);
const need = (flag, v, re) => {
  if (v === undefined || !re.test(v)) {
    console.error(`fuzz: ${flag} needs ${re === INT ? 'an integer' : 'a value'} (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`);
    process.exit(2);
  }
  return v;
};
const INT = /^-?\d+$/;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--runs') env.FUZZ_RUNS = need(a, args[++i], /^[1-9]\d*$/);
  else if (a === '--seed') env.FUZZ_SEED = need(a, args[++i], INT);
  else if (a === '--path') env.FUZZ_PATH = need(a, args[++i], /^\d+(:\d+)*$/);
  else if (a === '-h' || a === '--help') {
    console.log('usage: npm run fuzz -- [--runs N] [--seed S] [--path P] [test file or pattern…]');
    process.exit(0);
  } else filters.push(a);
}
const jest = path.join(__dirname, '..', 'node_modules', '.bin', 'jest');
const r = spawnSync(jest, filters.length ? filters : ['test/fuzz'], { stdio: 'inherit', env, cwd: path.join(__dirname, '..') });
process.exit(r.status === null ? 1 : r.status);
