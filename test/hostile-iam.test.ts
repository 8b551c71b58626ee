// Policies of hostile size through every rule: a 100 KB Resource of "a*" × 50,000 made a regular
// expression too large (a crashed rule), and a 45 KB one likewise; now every rule runs. No timing:
// vitest's timeout catches a hang.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { ROOT } from './helpers/cases.js';

const A = '111122223333';
const STARS = `arn:aws:s3tables:us-east-1:${A}:bucket/${'a*'.repeat(50_000)}`;
const LONG = `arn:aws:s3tables:us-east-1:${A}:bucket/sales/${'x'.repeat(45_000)}*`;
const CASE = join(ROOT, 'fixtures/rules/role-trust/valid/bucket-level-source-conditions');

describe('hostile sizes', () => {
  it('100 KB and 45 KB Resource patterns in caller and role policies: every rule runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-hostile-'));
    for (const name of ['replication.json', 'role.json'])
      writeFileSync(join(dir, name), readFileSync(join(CASE, name)));
    const policy = (statements: object[]): object => ({ Version: '2012-10-17', Statement: statements });
    writeFileSync(
      join(dir, 'caller-policy.json'),
      JSON.stringify(
        policy([
          { Effect: 'Allow', Action: 's3tables:*', Resource: [STARS, LONG] },
          { Effect: 'Deny', Action: 's3tables:*', Resource: STARS },
        ]),
      ),
    );
    writeFileSync(
      join(dir, 'role-policy.json'),
      JSON.stringify({
        RoleName: 'S3TablesReplicationRole',
        PolicyName: 'Replication',
        PolicyDocument: policy([{ Effect: 'Allow', Action: 's3tables:*', Resource: [STARS, LONG] }]),
      }),
    );
    const result = await lint(['.'], { cwd: dir, bindings: { caller: ['caller-policy.json'] } });
    expect(result.crashed).toBe(false);
    expect(result.findings.filter((f) => f.ruleId === 'rule-error')).toEqual([]);
    // The patterns cover none of the setup's resources: the permission rules say so.
    const rules = new Set(result.findings.map((f) => f.ruleId));
    expect(rules.has('caller-permissions')).toBe(true);
    expect(rules.has('role-permissions')).toBe(true);
  });
});
