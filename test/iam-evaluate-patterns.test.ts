/**
 * Requests for a resource pattern agree with requests for the concrete resources it stands for: an
 * allowed pattern allows every instance; an instance explicitly denied makes the pattern denied.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate } from '../src/iam/evaluate.js';
import { parsePattern } from '../src/iam/resource.js';
import { ACCOUNT, ourRequest, policyDocs, policyJson, type OracleRequest } from './helpers/oracle.js';

const B = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket`;
const PATTERNS = [
  `${B}/src/table/*`,
  `${B}/*/table/t1`,
  `${B}/src/*`,
  `${B}/s*`,
  `${B}/src/table/t?`,
  `arn:aws:s3tables:*:${ACCOUNT}:bucket/src/table/*`,
  `${B}/*`,
];

/** Concrete resources matching a pattern: wildcards replaced by short strings. */
function instances(pattern: string): fc.Arbitrary<string[]> {
  const fill = fc.constantFrom('', 'src', 't1', 'T1', 'table/t2', 'dst/table/t1', 'x');
  const parts = parsePattern(pattern).tokens.map((t) =>
    t.k === 'lit' ? fc.constant(t.c) : t.k === 'q' ? fc.constantFrom('1', '2', 'a') : fill,
  );
  return fc.array(
    fc.tuple(...parts).map((xs) => xs.join('')),
    { minLength: 1, maxLength: 6 },
  );
}

describe('evaluate on resource patterns', () => {
  it('is consistent with evaluating the concrete resources the pattern stands for', () => {
    fc.assert(
      fc.property(
        fc.array(policyJson('identity'), { minLength: 1, maxLength: 2 }),
        fc.constantFrom('s3tables:GetTable', 's3tables:PutTableData', 's3tables:DeleteTable'),
        fc.constantFrom(...PATTERNS).chain((p) => fc.tuple(fc.constant(p), instances(p))),
        fc.constantFrom<OracleRequest['context']>(
          {},
          { 'aws:username': 'src', 'aws:SecureTransport': 'true', 'aws:SourceIp': '10.1.2.3' },
          { 'aws:PrincipalTag/team': 'data', 'aws:TagKeys': ['team'] },
        ),
        (policies, action, [pattern, concrete], context) => {
          const docs = policyDocs(policies, 'identity');
          const ask = (resource: string): string =>
            evaluate(docs, ourRequest({ action, resource, context })).decision;
          const whole = ask(pattern);
          const each = concrete.map(ask);
          if (whole === 'allowed') expect(each.every((d) => d === 'allowed')).toBe(true);
          if (each.includes('explicit-deny')) expect(whole).toBe('explicit-deny');
          if (each.includes('implicit-deny')) expect(whole).not.toBe('allowed');
        },
      ),
      { numRuns: 1500 },
    );
  });
});
