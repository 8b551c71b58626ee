/**
 * YAML with CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub` …), read into the same
 * values as the JSON form (`{"Fn::GetAtt": ["Role", "Arn"]}`), with positions for `locate`.
 *
 * js-yaml's event stream (`parseEvents`: a flat list of nodes with source offsets) is read here
 * into values with YAML 1.2 core-schema scalars; the same stream read again gives positions, only
 * for a file with a finding. js-yaml is loaded on first use: a JSON-only run never loads it (the
 * CLI bundle keeps it external, see scripts/build.mjs).
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type { Path, TextRange } from '../model.js';
import type { SyntaxProblem } from './json.js';

let module: typeof JsYaml | undefined;
const jsYaml = (): typeof JsYaml => (module ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);

/** The short forms and the long form each stands for. */
const SHORT_FORMS: ReadonlyMap<string, string> = new Map(
  [
    'Base64',
    'Cidr',
    'FindInMap',
    'GetAtt',
    'GetAZs',
    'ImportValue',
    'Join',
    'Select',
    'Split',
    'Sub',
    'Transform',
    'If',
    'Equals',
    'Not',
    'And',
    'Or',
    'Length',
    'ToJsonString',
  ]
    .map((name): [string, string] => [`!${name}`, `Fn::${name}`])
    .concat([
      ['!Ref', 'Ref'],
      ['!Condition', 'Condition'],
    ]),
);

// Event types and scalar styles (js-yaml's EVENT_ID and SCALAR_STYLE).
const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const ALIAS = 5;
const POP = 6;
const PLAIN = 1;

/** Aliases expand into copies; a bound keeps a "billion laughs" file from exhausting memory. */
const MAX_NODES = 2_000_000;

export interface YamlLimits {
  maxDepth: number;
}

type Events = ReturnType<typeof JsYaml.parseEvents>;

function events(text: string, maxDepth: number): Events | SyntaxProblem {
  try {
    return jsYaml().parseEvents(text, { maxDepth });
  } catch (cause) {
    const mark = (cause as { mark?: { position?: number } }).mark;
    const reason = (cause as { reason?: string }).reason ?? String(cause);
    return {
      message: `invalid YAML: ${reason.split('\n')[0] ?? reason}`,
      offset: mark?.position ?? 0,
      length: mark?.position !== undefined ? 1 : 0,
    };
  }
}

class YamlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
  ) {
    super(message);
  }
}

/** YAML 1.2 core schema: what a plain scalar means. */
function plain(text: string): unknown {
  switch (text) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c = text.charCodeAt(0);
  // Only text that starts like a number can be one (most scalars are words).
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46)) return text;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

/** An own property, as JSON.parse makes it: a "__proto__" key must not set the prototype. */
const define = (o: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
};

interface Frame {
  kind: 'map' | 'seq';
  value: Record<string, unknown> | unknown[];
  /** A mapping's key waiting for its value. */
  key?: string;
  keyStart?: number;
  seen?: Set<string>;
  tag?: string;
  anchor?: string;
}

/**
 * Parses YAML into plain values (short forms as their long form). A stream of several documents
 * (`---`, as `suggest --as cfn` prints one template per account) is an array of them.
 */
export function parseYaml(
  text: string,
  limits: YamlLimits,
): { value: unknown; stream?: true } | { error: SyntaxProblem } {
  const list = events(text, limits.maxDepth);
  if (!Array.isArray(list)) return { error: list };
  const J = jsYaml();
  const documents: unknown[] = [];
  const anchors = new Map<string, unknown>();
  const stack: Frame[] = [];
  let nodes = 0;
  let root: unknown;

  const tagged = (tag: string | undefined, value: unknown): unknown => {
    if (tag === undefined || tag === '!' || tag.startsWith('!!')) return value;
    const long = SHORT_FORMS.get(tag);
    // Another tool's tag (GitLab's !reference …): the value as written; such a file is no template.
    if (long === undefined) return value;
    // `!GetAtt Role.Arn` is the scalar form of ["Role", "Arn"].
    if (long === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      value = dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    return { [long]: value };
  };
  const copy = (value: unknown): unknown => {
    if (++nodes > MAX_NODES) throw new YamlError('YAML aliases expand to too many values', 0, 0);
    if (Array.isArray(value)) return value.map(copy);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, copy(v));
    return out;
  };
  const put = (value: unknown, start: number, anchor: string | undefined): void => {
    if (anchor !== undefined) anchors.set(anchor, value);
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
      return;
    }
    if (top.kind === 'seq') {
      (top.value as unknown[]).push(value);
      return;
    }
    if (top.key === undefined) {
      const key =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
          ? String(value)
          : undefined;
      if (key === undefined) throw new YamlError('a mapping key must be a plain value', start, 1);
      if (top.seen!.has(key)) throw new YamlError(`duplicate key "${key}"`, start, key.length);
      top.seen!.add(key);
      top.key = key;
      top.keyStart = start;
      return;
    }
    define(top.value as Record<string, unknown>, top.key, value);
    top.key = undefined;
  };
  const slice = (from: number, to: number): string | undefined =>
    from === -1 ? undefined : text.slice(from, to);

  try {
    for (const e of list) {
      if (++nodes > MAX_NODES) throw new YamlError('YAML has too many values', 0, 0);
      switch (e.type) {
        case DOCUMENT:
          root = undefined;
          break;
        case MAPPING:
        case SEQUENCE: {
          const frame: Frame =
            e.type === MAPPING ? { kind: 'map', value: {}, seen: new Set() } : { kind: 'seq', value: [] };
          const tag = slice(e.tagStart, e.tagEnd);
          const anchor = slice(e.anchorStart, e.anchorEnd);
          if (tag !== undefined) frame.tag = tag;
          if (anchor !== undefined) frame.anchor = anchor;
          stack.push(frame);
          break;
        }
        case SCALAR: {
          const raw = J.getScalarValue(text, e);
          const tag = slice(e.tagStart, e.tagEnd);
          const value = tag === undefined && e.style === PLAIN ? plain(raw) : raw;
          const start = e.tagStart !== -1 ? e.tagStart : e.valueStart;
          put(tagged(tag, value), start, slice(e.anchorStart, e.anchorEnd));
          break;
        }
        case ALIAS: {
          const name = text.slice(e.anchorStart, e.anchorEnd);
          if (!anchors.has(name))
            throw new YamlError(`unknown alias *${name}`, e.anchorStart - 1, name.length + 1);
          put(copy(anchors.get(name)), e.anchorStart - 1, undefined);
          break;
        }
        case POP: {
          const frame = stack.pop();
          if (!frame) {
            documents.push(root);
            break;
          }
          put(tagged(frame.tag, frame.value), 0, frame.anchor);
          break;
        }
      }
    }
  } catch (cause) {
    if (cause instanceof YamlError) {
      return {
        error: { message: `invalid YAML: ${cause.message}`, offset: cause.offset, length: cause.length },
      };
    }
    throw cause;
  }
  const values = documents.filter((d) => d !== undefined);
  return values.length <= 1 ? { value: values[0] ?? null } : { value: values, stream: true };
}

/** A node's place: its range and, for collections, its children. */
interface Place {
  start: number;
  end: number;
  /** Mapping: key → child; sequence: index → child. */
  children?: Map<string, Place> | Place[];
}

/**
 * Locates paths in YAML text: reads the event stream again (only files with a finding pay for it)
 * into a tree of ranges, then follows the path. A path into a short form (`Role`, `Fn::GetAtt`, 0)
 * stops at the tagged node.
 */
export function yamlLocator(text: string): (path: Path) => TextRange {
  const list = events(text, 1000);
  const roots: Place[] = [];
  const tags = new WeakMap<Place, string>();
  if (Array.isArray(list)) {
    const stack: { place: Place; key?: string; keyed: boolean }[] = [];
    const put = (place: Place, keyText?: string): void => {
      const top = stack[stack.length - 1];
      if (!top) {
        roots.push(place);
        return;
      }
      top.place.end = Math.max(top.place.end, place.end);
      const children = top.place.children!;
      if (Array.isArray(children)) children.push(place);
      else if (!top.keyed) {
        top.key = keyText ?? '';
        top.keyed = true;
      } else {
        // The last of equal keys (duplicates are a syntax error here anyway).
        children.set(top.key ?? '', place);
        top.keyed = false;
      }
    };
    const J = jsYaml();
    for (const e of list) {
      if (e.type === MAPPING || e.type === SEQUENCE) {
        const start = e.tagStart !== -1 ? e.tagStart : e.anchorStart !== -1 ? e.anchorStart - 1 : e.start;
        const place: Place = { start, end: e.start + 1, children: e.type === MAPPING ? new Map() : [] };
        if (e.tagStart !== -1) tags.set(place, text.slice(e.tagStart, e.tagEnd));
        stack.push({ place, keyed: false });
      } else if (e.type === SCALAR) {
        const start = e.tagStart !== -1 ? e.tagStart : e.valueStart;
        const place: Place = { start, end: e.valueEnd };
        if (e.tagStart !== -1) tags.set(place, text.slice(e.tagStart, e.tagEnd));
        put(place, J.getScalarValue(text, e));
      } else if (e.type === ALIAS) {
        put({ start: e.anchorStart - 1, end: e.anchorEnd }, '');
      } else if (e.type === POP) {
        const frame = stack.pop();
        if (frame) put(frame.place);
      }
    }
  }
  return (path) => {
    const stream = roots.length > 1;
    let node: Place | undefined = stream ? roots[typeof path[0] === 'number' ? path[0] : 0] : roots[0];
    if (!node) return { offset: 0, length: 0 };
    for (const segment of stream ? path.slice(1) : path) {
      const tag = tags.get(node);
      if (tag !== undefined && SHORT_FORMS.get(tag) === segment) continue;
      const children: Place['children'] = node.children;
      const next: Place | undefined = Array.isArray(children)
        ? typeof segment === 'number'
          ? children[segment]
          : undefined
        : children?.get(String(segment));
      // An empty value (a key with nothing after it) has no place of its own: its parent is the place.
      if (!next || next.start < 0) break;
      node = next;
    }
    return { offset: Math.max(node.start, 0), length: Math.max(node.end - node.start, 0) };
  };
}

/** Cheap look before parsing: does this text look like YAML a CloudFormation template would be? */
export const mentionsCloudFormation = (text: string): boolean =>
  text.includes('AWSTemplateFormatVersion') || text.includes('AWS::');
