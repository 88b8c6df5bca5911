// Lets the cluster tests start real processes straight from the TypeScript sources:
// `node -r test/adapters/runtime/ts-hook.js adapters/runtime/entry.ts ...`. Transpile only
// (the sources are type-checked by `npm test`'s tsc step; isolatedModules makes this safe).
const fs = require('fs');
const ts = require('typescript');
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const out = ts.transpileModule(src, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false, inlineSourceMap: false },
  });
  module._compile(out.outputText, filename);
};
