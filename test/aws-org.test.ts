import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_OPERATIONS } from '../src/aws/port.js';
import { parseShard, readAccounts, shardOf, within } from '../src/aws/org.js';
import { FakeAws, type FakeOptions, type World } from './helpers/fake-aws.js';
import { runCli } from './helpers/run-cli.js';
import { accountId, MANAGEMENT, orgWorld } from './helpers/org-world.js';

let fake: FakeAws | undefined;
const temps: string[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 's3tables-lint-org-'));
  temps.push(dir);
  return dir;
};

async function start(world: World, options: FakeOptions = {}): Promise<FakeAws> {
  fake = await FakeAws.start(world, options);
  return fake;
}
const audit = (f: FakeAws, args: string[]) =>
  runCli(['audit', '--region', 'us-east-2', '--endpoint-url', f.url, ...args]);

/** Reads performed by an organization audit: the account reads plus listing and assuming. */
const ORG_READS = new Set<string>([...READ_OPERATIONS, 'organizations:ListAccounts', 'sts:AssumeRole']);

describe('audit --org against the loopback fake', () => {
  it('lists the accounts, assumes the role in each, audits them; a refused role is one finding', async () => {
    const world = orgWorld({ accounts: 4, refuseEvery: 4 });
    const f = await start(world, { pageSize: 3 });
    const { status, stdout, stderr } = await audit(f, ['--org']);
    expect(stderr).toContain('the role could not be assumed in 1 of 4 account(s)');
    expect(status).toBe(1);
    // Every reachable account's findings, under its own name.
    for (const i of [0, 1, 2])
      expect(stdout).toMatch(
        new RegExp(
          `aws://${accountId(i)}/us-east-2/buckets/sales/tables/retail/events/replication-status\\.json:\\d+:\\d+ error replication-status`,
        ),
      );
    // The refused account: one finding that says what to change.
    const refused = accountId(3);
    const lines = stdout.split('\n').filter((l) => l.includes(`aws://${refused}/`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `aws://${refused}/audit\\.json:\\d+:\\d+ warning aws-read-error .*arn:aws:iam::${refused}:role/OrganizationAccountAccessRole could not be assumed \\(AccessDenied`,
      ),
    );
    // A destination in an account outside the audit stays under the account that read it.
    expect(stdout).toContain(`aws://${accountId(0)}/other-accounts/222233334444/`);

    // Listing is paginated, from the management account; everything else runs as the account's role.
    const list = f.requests.filter((r) => r.action === 'organizations:ListAccounts');
    expect(list.length).toBe(2);
    expect(list.every((r) => r.account === MANAGEMENT)).toBe(true);
    const assumed = f.requests.filter((r) => r.action === 'sts:AssumeRole');
    expect(assumed.map((r) => r.resource).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `arn:aws:iam::${accountId(i)}:role/OrganizationAccountAccessRole`),
    );
    expect(f.requests.filter((r) => !ORG_READS.has(r.action))).toEqual([]);
    for (const i of [0, 1, 2]) {
      const mine = f.requests.filter((r) => r.account === accountId(i));
      expect(mine.some((r) => r.action === 's3tables:ListTableBuckets')).toBe(true);
      // Each resource once per account.
      const keys = mine.map((r) => `${r.action} ${r.resource}`);
      expect(keys.length).toBe(new Set(keys).size);
    }
    expect(f.requests.filter((r) => r.account === refused)).toEqual([]);
  });

  it('N shards merged give the unsharded report, finding for finding (JSON and SARIF)', async () => {
    const world = orgWorld({ accounts: 7, refuseEvery: 5 });
    const f = await start(world);
    const dir = temp();
    for (const format of ['json', 'sarif'] as const) {
      const whole = await audit(f, ['--org', '-f', format, '--account-concurrency', '3']);
      expect(whole.status).toBe(1);
      const shards: string[] = [];
      const seen: string[] = [];
      for (let i = 1; i <= 3; i++) {
        const out = join(dir, `shard-${i}.${format}`);
        const r = await audit(f, ['--org', '-f', format, '--shard', `${i}/3`, '-o', out]);
        expect(r.stderr).toContain(`shard ${i}/3:`);
        shards.push(out);
        const doc = JSON.parse(readFileSync(out, 'utf8')) as {
          organization?: { accounts: string[] };
          runs?: { properties: { organization: { accounts: string[] } } }[];
        };
        seen.push(...(doc.organization ?? doc.runs?.[0]?.properties.organization)!.accounts);
      }
      // The shards partition the accounts.
      expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => accountId(i)).sort());
      const merged = await runCli(['merge', ...shards]);
      expect(merged.stderr).toBe('');
      expect(merged.status).toBe(1);
      // Two runs differ only in when each read the status of the pending tables.
      const at = (t: string) => t.replace(/as of \d{4}-[\d:.TZ-]+/g, 'as of <audit time>');
      expect(at(merged.stdout)).toBe(at(whole.stdout));
      const parsed = JSON.parse(merged.stdout) as {
        findings?: { account: string }[];
        runs?: {
          results: { partialFingerprints: Record<string, string>; properties: { account: string } }[];
        }[];
      };
      if (format === 'json') {
        expect(parsed.findings!.length).toBeGreaterThan(20);
        expect(parsed.findings!.every((x) => /^\d{12}$/.test(x.account))).toBe(true);
      } else {
        const results = parsed.runs![0]!.results;
        expect(results.length).toBeGreaterThan(20);
        expect(
          results.every((x) => x.partialFingerprints['s3tablesLint/account/v1'] === x.properties.account),
        ).toBe(true);
      }
      // A shard missing: refused, unless asked for.
      const partial = await runCli(['merge', shards[0]!, shards[2]!]);
      expect(partial.status).toBe(2);
      expect(partial.stderr).toMatch(/^s3tables-lint: shard 2\/3 missing: .*--allow-partial/);
      const allowed = await runCli(['merge', '--allow-partial', shards[0]!, shards[2]!]);
      expect(allowed.stdout).toContain('"merged": [\n');
      // The same shard twice: refused.
      const twice = await runCli(['merge', shards[0]!, shards[0]!, shards[1]!]);
      expect(twice.status).toBe(2);
      expect(twice.stderr).toMatch(/is in .* and in .*: is one shard given twice\?|shard 1\/3 is in/);
    }
  });

  it('--accounts FILE, --role-name, --external-id and a first hop --initial-role-arn', async () => {
    const world = orgWorld({ accounts: 3 });
    const needsId = world.organization!.accounts[1]!;
    needsId.externalId = 'ext-123';
    const hub = `arn:aws:iam::${MANAGEMENT}:role/AuditHub`;
    const f = await start(world);
    const file = join(temp(), 'accounts.txt');
    writeFileSync(file, `# members\n${accountId(0)}\n\n${accountId(1)}  # needs the external id\n`);
    const run = await audit(f, [
      '--accounts',
      file,
      '--role-name',
      'audit/S3TablesAudit',
      '--external-id',
      'ext-123',
      '--initial-role-arn',
      hub,
      '-f',
      'json',
    ]);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { organization: { accounts: string[] } };
    expect(report.organization.accounts).toEqual([accountId(0), accountId(1)]);
    const assumed = f.requests.filter((r) => r.action === 'sts:AssumeRole');
    // The first hop once, from the base credentials; each account's role from the hub's session.
    expect(assumed.filter((r) => r.resource === hub).map((r) => r.account)).toEqual([MANAGEMENT]);
    const members = assumed.filter((r) => r.resource !== hub);
    expect(members.map((r) => r.resource).sort()).toEqual([
      `arn:aws:iam::${accountId(0)}:role/audit/S3TablesAudit`,
      `arn:aws:iam::${accountId(1)}:role/audit/S3TablesAudit`,
    ]);
    expect(members.every((r) => r.account === MANAGEMENT && r.status === 200)).toBe(true);
    expect(f.requests.some((r) => r.action === 'organizations:ListAccounts')).toBe(false);

    // Without the external id the account that needs it is one finding; the other is audited.
    const without = await audit(f, ['--accounts', file, '-f', 'json']);
    const findings = (
      JSON.parse(without.stdout) as { findings: { account: string; ruleId: string; message: string }[] }
    ).findings;
    const second = findings.filter((x) => x.account === accountId(1));
    expect(second).toHaveLength(1);
    expect(second[0]!.message).toContain('could not be assumed');
    expect(findings.filter((x) => x.account === accountId(0)).length).toBeGreaterThan(3);
  });

  it('skips accounts that are not ACTIVE, says so, and honours per-account faults', async () => {
    const world = orgWorld({ accounts: 3, suspended: [2] });
    world.faults = [{ action: 's3tables:ListTableBuckets', account: accountId(1), status: 403 }];
    const f = await start(world);
    const run = await audit(f, ['--org', '-f', 'json']);
    expect(run.stderr).toContain(`1 account(s) not ACTIVE left out: ${accountId(2)} (SUSPENDED)`);
    const report = JSON.parse(run.stdout) as {
      organization: { accounts: string[] };
      findings: { account: string; message: string }[];
    };
    expect(report.organization.accounts).toEqual([accountId(0), accountId(1)]);
    const denied = report.findings.filter(
      (x) => x.account === accountId(1) && x.message.includes('ListTableBuckets'),
    );
    expect(denied).toHaveLength(1);
    expect(
      report.findings.some((x) => x.account === accountId(0) && x.message.includes('ListTableBuckets')),
    ).toBe(false);
  });

  it('--save DIR writes each account under DIR/<account>/, and the main command lints the folder', async () => {
    const f = await start(orgWorld({ accounts: 2 }));
    const dir = join(temp(), 'audit');
    const run = await audit(f, ['--org', '--save', dir, '-f', 'json']);
    expect(run.stderr).toContain('saved the documents of 2 account(s)');
    const report = JSON.parse(run.stdout) as { findings: { file: string; account: string }[] };
    expect(report.findings.length).toBeGreaterThan(0);
    for (const x of report.findings)
      expect(x.file.startsWith(`${dir}/${x.account}/`) || x.file.includes(`/${x.account}/`)).toBe(true);
    expect(readFileSync(join(dir, accountId(1), 'audit.json'), 'utf8')).toContain(
      `"account": "${accountId(1)}"`,
    );
    const offline = await runCli([dir]);
    expect(offline.status).toBe(1);
    expect(offline.stdout).toContain('replication-status');
  });

  it('fails in one line when the organization cannot be listed or the first hop refused', async () => {
    const world = orgWorld({ accounts: 2 });
    world.caller = { Account: accountId(0), Arn: `arn:aws:iam::${accountId(0)}:user/someone` };
    const f = await start(world);
    const run = await audit(f, ['--org']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^s3tables-lint: cannot read AWS: ListAccounts failed: AccessDeniedException: .*\n$/,
    );
    const hop = await audit(f, ['--org', '--initial-role-arn', 'arn:aws:iam::000000000000:role/Nope']);
    expect(hop.status).toBe(2);
    expect(hop.stderr).toMatch(/^s3tables-lint: cannot read AWS: AssumeRole failed: AccessDenied: .*\n$/);
  });

  it('usage errors are one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['audit', '--shard', '1/2'], /--shard goes with audit --org/],
      [['audit', '--org', '--accounts', 'x'], /give one/],
      [['audit', '--org', '--region', 'us-east-1', '--shard', '3/2'], /--shard must be I\/N/],
      [['audit', '--org', '--region', 'us-east-1', '--shard', '1/257'], /--shard must be I\/N/],
      [['audit', '--org', '--region', 'us-east-1', '--role-name', 'a b'], /--role-name must be/],
      [['audit', '--accounts', '/nonexistent/list', '--region', 'us-east-1'], /cannot read it \(ENOENT\)/],
      [['audit', '--org'], /needs its Regions/],
      [['dry-run', '--org', 'x.json'], /--org and --accounts go with audit/],
      [['merge'], /merge takes the reports/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('shards', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => accountId(i));
  it('--shard I/N parses 1 <= I <= N <= 256', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/4', '5/4', '1/0', '1/257', 'a/b', '1/2/3', ' 1/2'])
      expect(() => parseShard(bad)).toThrow();
  });
  it('are balanced and every account is in exactly one', () => {
    for (const n of [1, 4, 16]) {
      const sizes = new Array<number>(n).fill(0);
      for (const id of ids) {
        const s = shardOf(id, n);
        expect(s).toBeGreaterThanOrEqual(1);
        expect(s).toBeLessThanOrEqual(n);
        sizes[s - 1]!++;
      }
      for (const size of sizes) expect(Math.abs(size - 2000 / n)).toBeLessThan((2000 / n) * 0.25);
    }
  });
  it('depend on the account id only, and growing N moves accounts only into the new shard', () => {
    for (const id of ids.slice(0, 50)) expect(shardOf(id, 8)).toBe(shardOf(`${id}`, 8));
    let moved = 0;
    for (const id of ids) {
      const before = shardOf(id, 8);
      const after = shardOf(id, 9);
      if (before !== after) {
        expect(after).toBe(9);
        moved++;
      }
    }
    expect(moved / ids.length).toBeGreaterThan(0.07);
    expect(moved / ids.length).toBeLessThan(0.16);
  });
  it('reads an accounts file: ids, comments, blank lines; anything else is a line-numbered error', () => {
    expect(readAccounts('f', `# x\n${accountId(1)}\n\n ${accountId(0)} # y\n${accountId(1)}\n`)).toEqual([
      accountId(0),
      accountId(1),
    ]);
    expect(() => readAccounts('f', `${accountId(0)}\n12345\n`)).toThrow(/^f:2: not an AWS account id/);
    expect(() => readAccounts('f', '# none\n')).toThrow(/no account id/);
  });
  it("keeps an account's own documents at their name and nests other accounts' under it", () => {
    expect(within('111122223333', '111122223333/us-east-1/buckets/a/policy.json')).toBe(
      '111122223333/us-east-1/buckets/a/policy.json',
    );
    expect(within('111122223333', '444455556666/us-east-1/buckets/a/policy.json')).toBe(
      '111122223333/other-accounts/444455556666/us-east-1/buckets/a/policy.json',
    );
  });
});
