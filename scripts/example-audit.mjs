// Regenerates examples/broken-account-audit: `s3tables-lint audit --save` run against the loopback
// fake AWS seeded with fixtures/aws/account (npm run build first). Nothing here reaches AWS.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'examples/broken-account-audit');
const scratch = mkdtempSync(join(tmpdir(), 's3tl-example-'));
await build({
  entryPoints: [join(root, 'test/helpers/fake-aws.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(scratch, 'fake-aws.mjs'),
  logLevel: 'warning',
});
const { FakeAws, loadWorld } = await import(join(scratch, 'fake-aws.mjs'));
const fake = await FakeAws.start(loadWorld(join(root, 'fixtures/aws/account')));
rmSync(out, { recursive: true, force: true });
const args = [
  join(root, 'dist/cli.js'),
  'audit',
  '--region',
  'us-east-2',
  '--endpoint-url',
  fake.url,
  '--save',
  out,
];
// spawnSync would block the fake's event loop: run the CLI asynchronously.
const { spawn } = await import('node:child_process');
const status = await new Promise((resolve) => {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIDFAKEAWS',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      NO_COLOR: '1',
    },
  });
  child.on('close', resolve);
});
await fake.close();
rmSync(scratch, { recursive: true, force: true });
console.log(`audit exited ${status}; saved under ${out}`);
