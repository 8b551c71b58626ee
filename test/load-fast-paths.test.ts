import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { minimatch } from 'minimatch';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headsOf, statementsOf } from '../src/iam/policy.js';
import { lint } from '../src/lint.js';
import { loadTexts } from '../src/load/index.js';
import { displayName, matcher } from '../src/load/files.js';
import { depthExceeds } from '../src/load/json.js';
import tableBucketArn from '../rules/table-bucket-arn.js';

// The loader's speed-ups must not change what users see.
describe('loader fast paths', () => {
  it('displayName equals path.relative for paths under and outside cwd', () => {
    expect(displayName(`${sep}a${sep}b`, `${sep}a${sep}b${sep}c${sep}d.json`)).toBe('c/d.json');
    expect(displayName(`${sep}a${sep}b${sep}`, `${sep}a${sep}b${sep}d.json`)).toBe('d.json');
    expect(displayName(`${sep}a${sep}b`, `${sep}a${sep}bc${sep}d.json`)).toBe('../bc/d.json');
    expect(displayName(sep, `${sep}x.json`)).toBe('x.json');
  });

  it('depthExceeds counts nesting, including under a "__proto__" member', () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: [nest(n - 1)] });
    expect(depthExceeds(nest(3), 6)).toBe(false);
    expect(depthExceeds(nest(3), 5)).toBe(true);
    const hostile = JSON.parse('{"__proto__": {"x": {"y": {}}}}') as unknown;
    expect(depthExceeds(hostile, 3)).toBe(true);
    expect(depthExceeds(hostile, 4)).toBe(false);
  });

  it('a clean file drops its text, and a finding in it still gets its exact position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-fast-'));
    // One line after a byte order mark: the column shows the re-read text is decoded the same way.
    const text =
      '\uFEFF{"tableBucketARN": "arn:aws:s3tables:us-east-1:111122223333:bucket/x_y", "configuration": ' +
      '{"role": "arn:aws:iam::111122223333:role/R", "rules": [{"destinations": []}]}}\n';
    writeFileSync(join(dir, 'replication.json'), text);
    const r = await lint(['.'], { cwd: dir, rules: [tableBucketArn] });
    expect(r.findings.map((f) => [f.file, f.line, f.column, f.endColumn])).toEqual([
      ['replication.json', 1, 20, 72],
    ]);
  });
});

describe('headsOf', () => {
  it('gives the same index, path, Sid and Effect as statementsOf', () => {
    const model = loadTexts([
      {
        name: 'p.json',
        text: JSON.stringify({
          Statement: [
            { Sid: 'A', Effect: 'Allow', Action: 'x:y', Resource: '*' },
            'junk',
            { Effect: 'Nope' },
          ],
        }),
      },
      { name: 'q.json', text: JSON.stringify({ Statement: { Sid: 'One', Effect: 'Deny', Action: '*' } }) },
    ]);
    for (const policy of model.policies) {
      const heads = headsOf(policy);
      expect(heads.length).toBeGreaterThan(0);
      expect(heads).toEqual(
        statementsOf(policy).map(({ policy: p, index, path, sid, effect }) => ({
          policy: p,
          index,
          path,
          sid,
          effect,
        })),
      );
    }
  });
});

describe('matcher', () => {
  it('agrees with minimatch, also on its suffix fast path', () => {
    const segment = fc
      .array(fc.constantFrom('a', 'x', '.', '-', 'json', 'JSON', '.json', 'tf'), { maxLength: 4 })
      .map((p) => p.join(''));
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));
    const glob = fc.constantFrom('**/*.json', '**/*.tf.json', '**/node_modules/**', 'case.json', '*.json');
    fc.assert(
      fc.property(glob, path, fc.boolean(), (g, p, dot) => {
        expect(matcher([g], dot)(p)).toBe(minimatch(p, g, { dot }));
      }),
      { numRuns: 3000 },
    );
  });
});
