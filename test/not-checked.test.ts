import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

/** No silent pass: a check that could not run says so, in every format, with how to make it run. */
const example = (name: string): string => join(ROOT, 'examples', name);

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-notrun-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('not checked', () => {
  it("the README's ad-hoc get-role | s3tables-lint - says the permission checks did not run", () => {
    const r = cli(['-'], { input: readFileSync(join(example('table-level'), 'role.json')) });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'not checked: caller-permissions, destination-bucket-policy, kms-permissions, passrole-condition, role-permissions, role-trust: no replication configuration among the inputs (the put-table-replication or put-table-bucket-replication request): the permission checks need one to know the source, the role and the destinations\n',
    );
  });

  it('a replication config alone names each missing input and the flag or binding that gives it', () => {
    const r = cli(['replication.json'], { cwd: example('table-level') });
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.every((l) => l.startsWith('not checked: '))).toBe(true);
    expect(r.stdout).toContain(
      'not checked: caller-permissions: no caller policy (--caller-policy FILE, --caller NAME with account authorization details, or bindings.caller in .s3tables-lint.json)',
    );
    expect(r.stdout).toContain(
      'not checked: role-trust: no trust policy for role arn:aws:iam::111122223333:role/AnalyticsReplicationRole (aws iam get-role output, --trust-policy FILE, or bindings.roles["AnalyticsReplicationRole"].trust in .s3tables-lint.json)',
    );
    expect(r.stdout).toMatch(
      /^not checked: role-permissions: no permissions policy for role .*--role-policy FILE/m,
    );
  });

  it('--format github emits each as a ::notice; json and sarif keep notRun', () => {
    const cwd = example('table-level');
    const gh = cli(['replication.json', '--format', 'github'], { cwd });
    const notices = gh.stdout
      .split('\n')
      .filter((l) => l.startsWith('::notice title=s3tables-lint%3A not checked::'));
    expect(notices.length).toBeGreaterThanOrEqual(3);
    const json = JSON.parse(cli(['replication.json', '--format', 'json'], { cwd }).stdout) as {
      notRun: { rule: string }[];
    };
    const sarif = JSON.parse(cli(['replication.json', '--format', 'sarif'], { cwd }).stdout) as {
      runs: { properties: { notRun: unknown[] } }[];
    };
    expect(json.notRun.map((n) => n.rule)).toContain('role-trust');
    expect(sarif.runs[0]?.properties.notRun).toEqual(json.notRun);
  });

  it('a role ARN that differs only by its path is not linked, and the output says why', () => {
    const role = JSON.parse(readFileSync(join(example('table-level'), 'role.json'), 'utf8')) as {
      Role: { Arn: string; Path: string };
    };
    role.Role.Arn = 'arn:aws:iam::111122223333:role/service-role/AnalyticsReplicationRole';
    role.Role.Path = '/service-role/';
    const dir = scratch({
      'replication.json': readFileSync(join(example('table-level'), 'replication.json'), 'utf8'),
      'role.json': JSON.stringify(role),
    });
    const r = cli(['.', '--rule', 'role-trust'], { cwd: dir });
    expect(r.stdout).toBe(
      'not checked: role-trust: role arn:aws:iam::111122223333:role/AnalyticsReplicationRole: the inputs hold a role of that name with ARN arn:aws:iam::111122223333:role/service-role/AnalyticsReplicationRole; a role ARN includes its path, so they are not linked (correct configuration.role or the input)\n',
    );
  });

  it('the three broken setups of the issue fail when each is linted as a whole folder', () => {
    for (const [name, rule] of [
      ['broken-trust-principal', 'role-trust'],
      ['broken-missing-destination', 'role-permissions'],
      ['broken-passrole-condition', 'passrole-condition'],
    ] as const) {
      const r = cli([example(name), '--fail-on', 'warning']);
      expect(r.status, name).toBe(1);
      expect(r.stdout, name).toContain(` ${rule} `);
    }
  });
});
