/** The documented disagreements with the oracle: each still disagrees, exactly as recorded (no stale entry). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oracle, ours, type Json, type Kind, type OracleRequest } from './helpers/oracle.js';

interface Case {
  id: string;
  reason: string;
  type: Kind;
  policy: Json;
  request: Omit<OracleRequest, 'context'> & { context?: OracleRequest['context'] };
  ours: string;
  oracle: string;
}

const file = JSON.parse(readFileSync(new URL('./oracle-disagreements.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('documented disagreements with iam-simulate', () => {
  it('have unique ids and a reason each', () => {
    const ids = file.cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of file.cases) expect(c.reason.length).toBeGreaterThan(40);
  });

  for (const c of file.cases) {
    it(c.id, async () => {
      const r: OracleRequest = { context: {}, ...c.request };
      const got = { ours: ours([c.policy], c.type, r), oracle: await oracle([c.policy], c.type, r) };
      expect(got).toEqual({ ours: c.ours, oracle: c.oracle });
      expect(got.ours).not.toBe(got.oracle);
    });
  }
});
