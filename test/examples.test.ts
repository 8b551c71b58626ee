import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rules from '../rules/index.js';
import { lint } from '../src/lint.js';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

/**
 * Every example folder, linted on its own with its caller policy bound (as the README shows), and
 * the rules it is meant to trip: a correct setup trips none, a broken one exactly its mistakes.
 */
const INTENDED: Record<string, { rules: string[]; bindCaller: boolean; caller?: string }> = {
  'table-level': { rules: [], bindCaller: true },
  'bucket-level-cross-account': { rules: [], bindCaller: true },
  'broken-passrole-condition': { rules: ['passrole-condition'], bindCaller: true },
  'broken-trust-principal': { rules: ['role-trust'], bindCaller: true },
  'broken-missing-destination': { rules: ['role-permissions'], bindCaller: true },
  'broken-maintenance-config': { rules: ['misspelled-action', 'role-permissions'], bindCaller: true },
  // Shared with the ARN rules; linted as the README's main command does (no binding).
  'broken-table-level': { rules: ['passrole-condition', 'role-trust'], bindCaller: false },
  // Infrastructure code: a template, a `cdk synth` output and a Terraform plan.
  cloudformation: { rules: [], bindCaller: true, caller: 'caller-policy.yaml' },
  'broken-cdk-synth-kms': { rules: ['kms-permissions'], bindCaller: false },
  'terraform-plan': { rules: [], bindCaller: true, caller: 'caller-plan.json' },
};
const registered = new Set(rules.map((r) => r.id));
const MINE = new Set([
  'kms-permissions',
  'caller-permissions',
  'passrole-condition',
  'role-trust',
  'role-permissions',
  'role-account',
  'destination-bucket-policy',
]);

describe('examples', () => {
  const folders = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  for (const name of folders.filter((f) => INTENDED[f])) {
    it(`${name} shows ${INTENDED[name]?.rules.join(', ') || 'no finding'}`, async () => {
      const intended = INTENDED[name] as { rules: string[]; bindCaller: boolean; caller?: string };
      const caller = `examples/${name}/${intended.caller ?? 'caller-policy.json'}`;
      const result = await lint([`examples/${name}`], {
        cwd: ROOT,
        ...(intended.bindCaller && existsSync(join(ROOT, caller)) ? { bindings: { caller: [caller] } } : {}),
      });
      const ids = [...new Set(result.findings.map((f) => f.ruleId))].sort();
      // The shared example also carries other rules' findings; only ours are asserted there.
      // Intended findings of rules this build has (the IAM rules may land after these examples).
      const expected = intended.rules.filter((id) => registered.has(id));
      expect(intended.bindCaller ? ids : ids.filter((id) => MINE.has(id))).toEqual(expected);
      // Everything else ran: the examples hold no encryption settings (SSE-S3, the default), which
      // kms-permissions says it did not check.
      if (intended.bindCaller) {
        expect(result.notRun.filter((n) => n.rule !== 'kms-permissions')).toEqual([]);
        expect(result.notRun.map((n) => n.reason).join('\n')).toMatch(
          /^no encryption settings for table bucket/,
        );
      }
    });
  }

  it('--explain prints, under a permission finding, the statements considered and why', () => {
    const dir = 'examples/broken-missing-destination';
    const plain = cli([dir, '--caller-policy', `${dir}/caller-policy.json`]);
    const explained = cli([dir, '--caller-policy', `${dir}/caller-policy.json`, '--explain']);
    expect(plain.status).toBe(1);
    expect(plain.stdout).not.toContain('implicit-deny');
    expect(explained.stdout).toContain(
      '    s3tables:CreateTable on arn:aws:s3tables:eu-west-1:111122223333:bucket/metrics-eu: implicit-deny',
    );
    expect(explained.stdout).toMatch(
      /^ {6}examples\/broken-missing-destination\/role-policy\.json PolicyDocument\.Statement\[2\] \(Sid CreateInDestination\): no-match: .+$/m,
    );
  });

  // An unconstrained iam:PassRole of the replication role is an error (the README's rules table):
  // the caller could hand the role to any service, so the broken example fails the run.
  it('broken-passrole-condition exits 1 with its caller policy bound, and names another service', () => {
    const dir = 'examples/broken-passrole-condition';
    const r = cli([dir, '--caller-policy', `${dir}/caller-policy.json`, '--rule', 'passrole-condition']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /error +passrole-condition .*passed to services other than replication\.s3tables\.amazonaws\.com/,
    );
  });

  // --explain names the state of each condition key that decided a statement.
  it('--explain names the key states (known value, absent, unknown) that decided each statement', () => {
    const dir = 'fixtures/rules/role-permissions/invalid/request-tag-on-actions-without-tags';
    const r = cli([dir, '--rule', 'role-permissions', '--explain']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {8}keys: aws:RequestTag\/owner absent$/m);
    const mfa = cli(['fixtures/rules/role-permissions/invalid/mfa-deny-stops-the-role-session', '--explain']);
    expect(mfa.stdout).toMatch(/^ {8}keys: aws:MultiFactorAuthPresent = false \(known\)$/m);
    const tag = cli(['fixtures/rules/role-permissions/valid/principal-tag-unknown-cannot-tell', '--explain']);
    expect(tag.status).toBe(0);
  });
});
