import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

const EX = join(ROOT, 'examples');
const read = (f: string): Record<string, unknown> =>
  JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;

/**
 * A repository as teams keep one: the orders setup as bare policy files (nothing links them), the
 * analytics setup as AWS CLI output (links by itself) with a bare caller policy.
 */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-init-'));
  const orders = join(dir, 'infra/orders');
  const table = join(dir, 'infra/table');
  mkdirSync(orders, { recursive: true });
  mkdirSync(table, { recursive: true });
  const src = join(EX, 'broken-trust-principal');
  copyFileSync(join(src, 'replication.json'), join(orders, 'replication.json'));
  copyFileSync(join(src, 'caller-policy.json'), join(orders, 'deployer.json'));
  writeFileSync(
    join(orders, 'permissions.json'),
    JSON.stringify(read(join(src, 'role-policy.json'))['PolicyDocument']),
  );
  const role = read(join(src, 'role.json'))['Role'] as Record<string, unknown>;
  writeFileSync(join(orders, 'trust.json'), JSON.stringify(role['AssumeRolePolicyDocument']));
  for (const f of ['replication.json', 'role.json', 'role-policy.json', 'caller-policy.json'])
    copyFileSync(join(EX, 'table-level', f), join(table, f));
  return dir;
}

describe('s3tables-lint init', () => {
  it('binds bare files by content, says why for each, and the next run checks the whole setup', () => {
    const dir = repository();
    // Before: the bare trust policy is not linked, so its wrong principal passes unnoticed.
    const before = cli(['.'], { cwd: dir });
    expect(before.stdout).not.toContain('role-trust the role trusts');
    expect(before.stdout).toMatch(
      /^not checked: .*role-trust: no trust policy for role .*EventsReplicationRole/m,
    );

    const r = cli(['init'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '  bindings.caller: infra/orders/deployer.json (allows s3tables:PutTableReplication, iam:PassRole: the principal that calls Put...Replication)',
    );
    expect(r.stdout).toMatch(
      /bindings\.roles\[".*EventsReplicationRole"\]\.trust: infra\/orders\/trust\.json \(a trust policy/,
    );
    expect(r.stdout).toMatch(
      /bindings\.roles\[".*EventsReplicationRole"\]\.policies: infra\/orders\/permissions\.json \(allows s3tables:GetTableData/,
    );
    expect(r.stdout).toContain('  linked by itself: infra/table/role.json');
    expect(JSON.parse(readFileSync(join(dir, '.s3tables-lint.json'), 'utf8'))).toEqual({
      bindings: {
        caller: ['infra/orders/deployer.json', 'infra/table/caller-policy.json'],
        roles: {
          'arn:aws:iam::111122223333:role/EventsReplicationRole': {
            policies: ['infra/orders/permissions.json'],
            trust: 'infra/orders/trust.json',
          },
        },
      },
    });

    const after = cli(['.'], { cwd: dir });
    expect(after.status).toBe(1);
    expect(after.stdout).toMatch(
      /^infra\/orders\/trust\.json:\d+:\d+ error role-trust the role trusts s3tables\.amazonaws\.com/m,
    );
    expect(after.stdout).not.toMatch(/not checked: .*(caller-permissions|role-trust|role-permissions):/);
  });

  it('never overwrites a config without --force', () => {
    const dir = repository();
    writeFileSync(join(dir, '.s3tables-lint.json'), '{ "failOn": "warning" }\n');
    expect(cli(['init'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr:
        's3tables-lint: .s3tables-lint.json exists; --force overwrites it (review the diff before you commit)\n',
    });
    expect(readFileSync(join(dir, '.s3tables-lint.json'), 'utf8')).toBe('{ "failOn": "warning" }\n');
    expect(cli(['init', '--force'], { cwd: dir }).status).toBe(0);
    expect(readFileSync(join(dir, '.s3tables-lint.json'), 'utf8')).toContain('"bindings"');
  });

  it('leaves a bare file unbound when its folder names several roles, and writes nothing without setups', () => {
    const dir = repository();
    const other = read(join(dir, 'infra/orders/replication.json'));
    (other['configuration'] as Record<string, unknown>)['role'] = 'arn:aws:iam::111122223333:role/Other';
    writeFileSync(join(dir, 'infra/orders/replication-2.json'), JSON.stringify(other));
    const r = cli(['init'], { cwd: dir });
    expect(r.stdout).toContain(
      "  not bound: infra/orders/trust.json (a trust policy, but this folder's configurations name several roles)",
    );
    const empty = mkdtempSync(join(tmpdir(), 's3tl-init-empty-'));
    writeFileSync(join(empty, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [] }));
    expect(cli(['init'], { cwd: empty }).stdout).toContain(
      'no replication configuration found: nothing written',
    );
    expect(existsSync(join(empty, '.s3tables-lint.json'))).toBe(false);
  });
});
