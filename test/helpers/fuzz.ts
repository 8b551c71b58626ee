/**
 * Mutation fuzzing of the linter's inputs (test/fuzz.test.ts): the corpus (fixture cases, e2e
 * scenarios, examples), a seeded generator, byte-level and JSON-aware mutations, and the checks an
 * output must pass. Every mutant is a pure function of (seed, index), so one can be rebuilt alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './cases.js';

/** A folder the linter runs on as one unit, as the fixture harness or the e2e test runs it. */
export interface Unit {
  name: string;
  files: { path: string; bytes: Buffer }[];
  paths: string[];
  /** Lint options from a case's case.json (bindings, callerPrincipal). */
  options: Record<string, unknown>;
  /** The config file, relative to the unit, when it has one. */
  config?: string;
}

const CONFIG = '.s3tables-lint.json';
const NOT_INPUT = new Set(['case.json', 'args.json', 'expected.txt', 'expected.json', 'expected.sarif']);

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return filesUnder(path, base);
      return NOT_INPUT.has(name) && dir === base ? [] : [relative(base, path)];
    });
}

const subdirs = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => statSync(join(dir, n)).isDirectory())
        .sort()
    : [];

function unit(dir: string, paths: string[], options: Record<string, unknown> = {}): Unit {
  const files = filesUnder(dir).map((path) => ({ path, bytes: readFileSync(join(dir, path)) }));
  return {
    name: relative(ROOT, dir),
    files,
    paths,
    options,
    ...(files.some((f) => f.path === CONFIG) ? { config: CONFIG } : {}),
  };
}

/** Every rule case (valid and invalid), every e2e scenario and every example. */
export function corpus(): Unit[] {
  const units: Unit[] = [];
  const rulesDir = join(ROOT, 'fixtures/rules');
  for (const rule of subdirs(rulesDir)) {
    for (const kind of ['valid', 'invalid']) {
      for (const name of subdirs(join(rulesDir, rule, kind))) {
        const dir = join(rulesDir, rule, kind, name);
        const specFile = join(dir, 'case.json');
        const spec = existsSync(specFile)
          ? (JSON.parse(readFileSync(specFile, 'utf8')) as {
              paths?: string[];
              options?: Record<string, unknown>;
            })
          : {};
        units.push(unit(dir, spec.paths ?? ['.'], spec.options ?? {}));
      }
    }
  }
  const e2e = join(ROOT, 'fixtures/e2e');
  for (const name of subdirs(e2e)) {
    const argsFile = join(e2e, name, 'args.json');
    const paths = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, 'utf8')) as string[]) : ['input'];
    units.push(unit(join(e2e, name), paths));
  }
  for (const name of subdirs(join(ROOT, 'examples'))) units.push(unit(join(ROOT, 'examples', name), ['.']));
  return units;
}

/** A small seeded generator (mulberry32), one per mutant. */
export class Rng {
  private state: number;
  constructor(seed: number, index: number) {
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
    for (let i = 0; i < 4; i++) this.next();
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Text meant to escape a line or to reach a terminal (issue 11: output injection). */
const HOSTILE = [
  '\n::error file=README.md,line=1,title=forged::forged annotation',
  '\r\n::warning::forged',
  '\u001b[2K\r',
  '\u001b]0;title\u0007',
  '\u001b[31m',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u009b2J',
  '\u2028',
  '\u2029',
  '\t',
  '%0A::error::x',
];
/** Keys that reach Object.prototype through a plain-object lookup. */
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const KEY_NAMES = [
  ...PROTO_KEYS,
  'ForAnyValue:constructor',
  'ForAllValues:__proto__',
  'constructorIfExists',
  'StringLike',
  'ArnLike',
  'Null',
  '',
  ' ',
  'Statement',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'Condition',
  'Effect',
];
const HOT = /Condition|Action|Resource|Principal|ARN|Arn|role|Sid|Policy|Statement/;
const SIZES = [1, 10, 100, 1_000, 10_000, 50_000];

function wildcardHeavy(rng: Rng): string {
  const n = rng.pick(SIZES);
  switch (rng.int(6)) {
    case 0:
      return `s3tables:${'*'.repeat(Math.min(n, 200))}x`;
    case 1:
      return `arn:aws:s3tables:us-east-1:111122223333:bucket/${'*a'.repeat(Math.min(n, 5_000))}b`;
    case 2:
      return 'a*'.repeat(n);
    case 3:
      return `arn:aws:s3tables:*:*:bucket/${'?*'.repeat(Math.min(n, 1_000))}`;
    case 4:
      return `${'${aws:username}'.repeat(Math.min(n, 1_000))}`;
    default:
      return rng.pick(['${constructor}', '${toString}', '${__proto__}', '${*}', '${?}', '${$}']);
  }
}

function weird(rng: Rng, near: Json): Json {
  switch (rng.int(12)) {
    case 0:
      return rng.pick([null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 1:
      return rng.pick(['', ' ', '*', '**', '?', 'null', 'true', '2012-10-17', '0']);
    case 2:
      return rng.pick<Json>([[], {}, [[]], [null], { '': null }]);
    case 3:
      return 'x'.repeat(rng.pick(SIZES));
    case 4:
      return wildcardHeavy(rng);
    case 5:
      return `${typeof near === 'string' ? near : 's3tables:GetTable'}${rng.pick(HOSTILE)}`;
    case 6:
      return rng.pick(HOSTILE).repeat(1 + rng.int(3));
    case 7:
      return nest(near, rng.pick([10, 63, 64, 65, 200, 1_000]), rng.chance(0.5));
    case 8:
      return Array.isArray(near) ? near : [near];
    case 9:
      // An embedded policy string (get-role output carries policies as strings).
      return near !== null && typeof near === 'object' ? JSON.stringify(near) : String(near);
    case 10:
      return withKey({}, rng.pick(PROTO_KEYS), near);
    default:
      return rng.pick([
        's3tables:*',
        '*',
        'iam:PassRole',
        'arn:aws:iam::111122223333:role/R',
        'arn:aws:s3tables:*',
      ]);
  }
}

const isObject = (v: Json): v is { [key: string]: Json } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function nest(value: Json, depth: number, arrays: boolean): Json {
  let v = value;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
}

/** Sets an own property, even `__proto__` (plain assignment would set the prototype). */
function withKey(object: { [key: string]: Json }, key: string, value: Json): { [key: string]: Json } {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

type Slot = { get: () => Json; set: (v: Json) => void; parent: Json; key: string | number; path: string };

function slots(root: Json, limit = 5_000): Slot[] {
  const out: Slot[] = [];
  const walk = (
    value: Json,
    path: string,
    get: () => Json,
    set: (v: Json) => void,
    parent: Json,
    key: string | number,
  ): void => {
    if (out.length >= limit) return;
    out.push({ get, set, parent, key, path });
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        walk(
          item,
          `${path}[${i}]`,
          () => value[i] as Json,
          (v) => void (value[i] = v),
          value,
          i,
        ),
      );
    } else if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value))
        walk(
          value[k] as Json,
          `${path}.${k}`,
          () => value[k] as Json,
          (v) => void withKey(value, k, v),
          value,
          k,
        );
    }
  };
  const box = { root };
  walk(
    root,
    '$',
    () => box.root,
    (v) => void (box.root = v),
    null,
    '$',
  );
  return out;
}

/** One JSON-aware mutation of a parsed document; returns the new root and what was done. */
function mutateJson(root: Json, rng: Rng): { root: Json; what: string } {
  const all = slots(root);
  // Half the time, a node where policy semantics live (where issue 11's crashes and hangs were).
  const hot = all.filter((s) => HOT.test(s.path));
  const slot = rng.pick(hot.length > 0 && rng.chance(0.5) ? hot : all);
  const box = { root };
  const set = slot.path === '$' ? (v: Json) => void (box.root = v) : slot.set;
  const value = slot.get();
  const op = rng.int(9);
  const statement = all.find((s) => isObject(s.get()) && 'Effect' in (s.get() as object));
  if (op === 8 && statement) {
    // A condition whose operator, key or value names an Object.prototype member.
    const operator = `${rng.pick(['', 'ForAnyValue:', 'ForAllValues:'])}${rng.pick(PROTO_KEYS)}${rng.pick(['', 'IfExists'])}`;
    const key = rng.pick(['aws:username', 'aws:SourceArn', 'iam:PassedToService', ...PROTO_KEYS]);
    const v = rng.pick(['${constructor}', '${toString}', '${__proto__}', 'x', '*']);
    const target = statement.get() as { [key: string]: Json };
    const condition = withKey({}, rng.chance(0.5) ? operator : 'StringLike', withKey({}, key, v));
    withKey(target, 'Condition', condition);
    return { root: box.root, what: `${statement.path}.Condition = ${preview(condition)}` };
  }
  if (op <= 2) {
    const v = weird(rng, structuredClone(value));
    set(v);
    return { root: box.root, what: `${slot.path} = ${preview(v)}` };
  }
  if (op === 3 && slot.parent !== null && typeof slot.parent === 'object' && !Array.isArray(slot.parent)) {
    // Rename the key, keeping the order of the others.
    const parent = slot.parent;
    const to = rng.chance(0.3) ? `${String(slot.key)}${rng.pick(HOSTILE)}` : rng.pick(KEY_NAMES);
    const entries = Object.entries(parent);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) withKey(parent, k === slot.key ? to : k, v);
    return { root: box.root, what: `rename ${slot.path} to ${show(to)}` };
  }
  if (op === 4 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const key = rng.pick(KEY_NAMES);
    const v = weird(rng, structuredClone(value));
    withKey(value, key, v);
    return { root: box.root, what: `add ${slot.path}.${show(key)} = ${preview(v)}` };
  }
  if (op === 5 && Array.isArray(slot.parent)) {
    // At most about 1 MB of copies: the mutant stays a few MB whatever it repeats.
    const size = (JSON.stringify(value) ?? '').length;
    const copies = Math.max(1, Math.min(rng.pick([2, 10, 100, 1_000]), Math.floor(1_000_000 / (size + 1))));
    slot.parent.splice(Number(slot.key), 0, ...Array.from({ length: copies }, () => structuredClone(value)));
    return { root: box.root, what: `repeat ${slot.path} ×${copies + 1}` };
  }
  if (op === 6 && slot.parent !== null && typeof slot.parent === 'object') {
    if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
    else delete slot.parent[slot.key];
    return { root: box.root, what: `delete ${slot.path}` };
  }
  // Copy another node's value here (a Resource where an Action was, a policy in a list, …).
  const other = structuredClone(rng.pick(all).get());
  set(other);
  return { root: box.root, what: `${slot.path} = copy of ${preview(other)}` };
}

/** JSON text with every control and separator escaped, so a report shows what the input held. */
export function show(v: unknown): string {
  return (JSON.stringify(v) ?? String(v)).replace(
    /[\u007f-\u009f\u2028\u2029]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function preview(v: Json): string {
  const s = show(v);
  return s.length > 100 ? `${s.slice(0, 50)}…${s.slice(-40)} (${s.length} chars)` : s;
}

/** One byte-level mutation. */
function mutateBytes(bytes: Buffer, rng: Rng): { bytes: Buffer; what: string } {
  const at = rng.int(bytes.length + 1);
  switch (rng.int(6)) {
    case 0: {
      if (bytes.length === 0) break;
      const b = Buffer.from(bytes);
      const k = Math.min(at, b.length - 1);
      const bit = 1 << rng.int(8);
      b[k] = (b[k] ?? 0) ^ bit;
      return { bytes: b, what: `flip bit ${bit} at ${k}` };
    }
    case 1: {
      const raw = rng.pick([
        ...HOSTILE,
        '\\u0000',
        '\\u001b[2K',
        '\\ud800',
        '\\u2028',
        '"',
        '{',
        '[',
        ',',
        '\\',
      ]);
      const ins = rng.chance(0.2)
        ? Buffer.from([0xff, 0xfe, 0xc0, 0x80].slice(0, 1 + rng.int(4)))
        : Buffer.from(raw);
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), ins, bytes.subarray(at)]),
        what: `insert ${ins.toString('utf8') === raw ? show(raw) : `bytes ${ins.toString('hex')}`} at ${at}`,
      };
    }
    case 2: {
      const len = 1 + rng.int(32);
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + len)]),
        what: `delete ${len} bytes at ${at}`,
      };
    }
    case 3: {
      const len = 1 + rng.int(64);
      const times = rng.pick([1, 2, 10, 100]);
      const chunk = bytes.subarray(at, at + len);
      return {
        bytes: Buffer.concat([
          bytes.subarray(0, at),
          ...Array.from({ length: times + 1 }, () => chunk),
          bytes.subarray(at + len),
        ]),
        what: `repeat ${chunk.length} bytes at ${at} ×${times + 1}`,
      };
    }
    case 4:
      return { bytes: bytes.subarray(0, at), what: `truncate at ${at}` };
    default:
      break;
  }
  const b = Buffer.from(bytes);
  if (b.length > 0) b[Math.min(at, b.length - 1)] = rng.int(256);
  return { bytes: b, what: `set a byte at ${Math.min(at, b.length - 1)}` };
}

/** File names that try to break a line or reach the terminal (kept .json so scans pick them up). */
const NAMES = [
  'a\nb.json',
  '\u001b[31mred.json',
  'x\u2028y.json',
  '::error file=x::y.json',
  'tab\there.json',
  'cr\r.json',
  'c1\u0085.json',
  'sp ace%.json',
];

/** A mutation that would make a file larger than this is dropped. */
const MAX_CHARS = 8_000_000;

export interface Mutant {
  files: { path: string; bytes: Buffer }[];
  /** What was done, in order: enough to rebuild a minimal example by hand. */
  mutations: string[];
  target: string;
}

/** Mutates one file of the unit (1-4 mutations), now and then renaming it too. */
export function mutate(unit: Unit, rng: Rng): Mutant {
  const files = unit.files.map((f) => ({ ...f }));
  const target = rng.pick(files);
  const mutations: string[] = [];
  const count = 1 + rng.int(4);
  let bytes = target.bytes;
  for (let i = 0; i < count; i++) {
    let parsed: Json | undefined;
    if (rng.chance(0.75)) {
      try {
        parsed = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as Json;
      } catch {
        parsed = undefined;
      }
    }
    if (parsed !== undefined) {
      const { root, what } = mutateJson(parsed, rng);
      const indent = rng.pick([0, 2, 2, '\t']);
      let text: string | undefined;
      try {
        text = JSON.stringify(root, null, indent) ?? 'null';
      } catch {
        text = undefined; // too deep or too long to write: drop this mutation
      }
      if (text === undefined || text.length > MAX_CHARS) continue;
      bytes = Buffer.from(text);
      mutations.push(`json: ${what}`);
    } else {
      const r = mutateBytes(bytes, rng);
      bytes = r.bytes;
      mutations.push(`bytes: ${r.what}`);
    }
  }
  target.bytes = bytes;
  if (rng.chance(0.03) && !target.path.includes('/') && target.path !== CONFIG) {
    const name = rng.pick(NAMES);
    mutations.push(`rename ${target.path} to ${show(name)}`);
    target.path = name;
  }
  return { files, mutations, target: target.path };
}

/** C0 controls but tab and newline, DEL, C1, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Problems of human-readable output: raw controls, or more lines than the findings account for. */
export function humanProblems(name: string, output: string, lines?: number): string[] {
  const problems: string[] = [];
  const m = CONTROL.exec(output);
  if (m) {
    const at = m.index;
    const context = show(output.slice(Math.max(0, at - 40), at + 20));
    problems.push(`${name}: unescaped U+${m[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${context}`);
  }
  if (lines !== undefined) {
    const actual = output === '' ? 0 : output.split('\n').length - 1;
    if (actual !== lines) problems.push(`${name}: ${actual} lines for ${lines} expected (a forged line?)`);
  }
  return problems;
}

/** A report line with every control character but newline shown as an escape. */
export function printable(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex -- these are what must not reach the log raw
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A Node stack trace in output: "    at fn (file:1:2)". */
export const STACK = /^\s+at .*(?:\(.*:\d+:\d+\)|:\d+:\d+)$/m;
