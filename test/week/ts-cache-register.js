/*
 * The week worker's TypeScript require hook: test/helpers/ts-register.js (transpile-only, CommonJS) with a content-
 * addressed disk cache (os.tmpdir()/kap-ts-cache/<sha1 of source>.js) and typescript loaded only on a miss, so a
 * restarted worker is polling in about a second instead of re-transpiling the tree (the week restarts it twice).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = path.join(os.tmpdir(), 'kap-ts-cache');
fs.mkdirSync(dir, { recursive: true });
let ts = null;
require.extensions['.ts'] = (m, filename) => {
  const src = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(filename).update('\0').update(src).digest('hex');
  const cached = path.join(dir, `${key}.js`);
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    ts = ts || require('typescript');
    out = ts.transpileModule(src, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    }).outputText;
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
  }
  m._compile(out, filename);
};
