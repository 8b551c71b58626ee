import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/iam/evaluate.js';
import { loadTexts } from '../src/load/index.js';
import { EXPLAIN_LIMIT, explainLines } from '../src/replication/gaps.js';

describe('--explain lines are bounded', () => {
  it('lists at most EXPLAIN_LIMIT statements, the deciding ones first kept, in policy order', () => {
    const statements = Array.from({ length: 1001 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: i === 700 ? 'Deny' : 'Allow',
      Action: i === 700 ? 's3tables:GetTable' : 's3tables:ListTables',
      Resource: '*',
    }));
    const [policy] = loadTexts([
      { name: 'p.json', text: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
    ]).policies;
    if (!policy) throw new Error('no policy');
    const e = evaluate([policy], {
      action: 's3tables:GetTable',
      resource: 'arn:aws:s3tables:us-east-1:111122223333:bucket/b',
    });
    expect(e.decision).toBe('explicit-deny');
    const lines = explainLines(e, 'GetTable');
    // The heading, EXPLAIN_LIMIT statements, and the count of those left out.
    expect(lines).toHaveLength(EXPLAIN_LIMIT + 2);
    expect(lines.filter((l) => l.includes('(Sid S700)'))).toHaveLength(1);
    expect(lines.at(-1)).toBe(`  … and ${1001 - EXPLAIN_LIMIT} more statements (not listed)`);
  });
});
