// Lets tests and development runs start cluster processes straight from the TypeScript
// sources: `node -r scripts/ts-hook.js adapters/runtime/entry.ts ...` (adapters/cli/cluster.ts
// uses it when no compiled dist/ entry exists next to it). Transpile only
// (the sources are type-checked by `npm test`'s tsc step; isolatedModules makes this safe).
// Output is cached by content hash in the OS temp dir, so the compiler is loaded only on a
// miss (process start-up drops from ~2 s to ~0.3 s of CPU).
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const cacheDir = path.join(os.tmpdir(), 'chainrep-ts-hook-cache');
let ts;
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(filename).update('\0').update(src).digest('hex');
  const cached = path.join(cacheDir, key + '.js');
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    ts = ts || require('typescript');
    out = ts.transpileModule(src, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    }).outputText;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = cached + '.' + process.pid + '.tmp';
      fs.writeFileSync(tmp, out);
      fs.renameSync(tmp, cached);
    } catch {
      // a cache we cannot write only costs time
    }
  }
  module._compile(out, filename);
};
