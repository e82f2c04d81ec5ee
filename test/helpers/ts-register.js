/* A minimal TypeScript require hook for child processes of tests (no ts-node here): transpile-only, CommonJS. */
const fs = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  m._compile(out.outputText, filename);
};
