/** The fuzz test's own machinery (helpers/fuzz.ts): its checks catch what they must, mutants repeat. */
import { describe, expect, it } from 'vitest';
import { corpus, humanProblems, mutate, Rng, STACK } from './helpers/fuzz.js';

describe('fuzz checks', () => {
  it('flag raw C0 (but tab and newline), DEL, C1 and line separators in human-readable output', () => {
    for (const c of ['\u0000', '\u001b', '\r', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029'])
      expect(humanProblems('text', `a${c}b\n`), JSON.stringify(c)).toHaveLength(1);
    expect(humanProblems('text', 'a\tb\nc\n')).toEqual([]);
    expect(humanProblems('text', '%1B \\u001b ü 😀\n')).toEqual([]);
  });

  it('flag more lines than the findings account for', () => {
    expect(humanProblems('text', 'x:1:1 error r m\n::error::forged\n1 problem\n', 2)).toEqual([
      'text: 3 lines for 2 expected (a forged line?)',
    ]);
    expect(humanProblems('text', '', 0)).toEqual([]);
    expect(humanProblems('text', 'x:1:1 error r m\n1 problem\n', 2)).toEqual([]);
  });

  it('recognise a Node stack trace', () => {
    const error = new Error('x');
    expect(STACK.test(error.stack ?? '')).toBe(true);
    expect(STACK.test('s3tables-lint: internal error: x\n')).toBe(false);
  });
});

describe('mutants', () => {
  const units = corpus();

  it('cover the rule cases, the e2e scenarios and the examples', () => {
    const names = units.map((u) => u.name);
    expect(names.some((n) => n.startsWith('fixtures/rules/'))).toBe(true);
    expect(names.some((n) => n.startsWith('fixtures/e2e/'))).toBe(true);
    expect(names.some((n) => n.startsWith('examples/'))).toBe(true);
    for (const u of units) expect(u.files.map((f) => f.path)).not.toContain('expected.txt');
  });

  it('are a function of the seed and the index', () => {
    const one = (seed: number, i: number) => {
      const rng = new Rng(seed, i);
      const m = mutate(rng.pick(units), rng);
      return { mutations: m.mutations, bytes: m.files.map((f) => f.bytes.toString('hex')) };
    };
    expect(one(7, 3)).toEqual(one(7, 3));
    const distinct = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(one(7, i))));
    expect(distinct.size).toBe(20);
  });

  it('change the file they say they change', () => {
    for (let i = 0; i < 200; i++) {
      const rng = new Rng(11, i);
      const unit = rng.pick(units);
      const m = mutate(unit, rng);
      expect(m.mutations.length).toBeGreaterThan(0);
      expect(m.files).toHaveLength(unit.files.length);
    }
  });
});
