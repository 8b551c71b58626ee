import {
  validateGetReplication,
  validatePutTableBucketReplication,
  validatePutTableReplication,
  type ValidationError,
  type Validator,
} from '../generated/validators.js';
import { isUnknown, type Path, type ReplicationDoc } from '../model.js';
import { describeType, memberLabel } from '../values.js';

/** One shape problem: where (relative to the document's root) and what to change. */
export interface ShapeProblem {
  path: Path;
  message: string;
}

interface Noun {
  /** "a replication rule" */
  what: string;
  members: readonly string[];
}

const CONFIGURATION: Noun = { what: 'a replication configuration', members: ['role', 'rules'] };
const RULE: Noun = { what: 'a replication rule', members: ['destinations'] };
const DESTINATION: Noun = { what: 'a replication destination', members: ['destinationTableBucketARN'] };
const ROOTS: Record<string, Noun> = {
  table: { what: 'a PutTableReplication request', members: ['tableArn', 'versionToken', 'configuration'] },
  bucket: {
    what: 'a PutTableBucketReplication request',
    members: ['tableBucketARN', 'versionToken', 'configuration'],
  },
  get: { what: 'a Get…Replication output', members: ['versionToken', 'configuration'] },
};

/** What to add when a required member is missing. Maps, not objects: the keys come from user data. */
const MISSING = new Map<string, string>([
  [
    'role',
    'add the ARN of the IAM role S3 Tables assumes to replicate ("role": "arn:aws:iam::<account>:role/<name>")',
  ],
  ['rules', 'add exactly 1 rule ("rules": [{"destinations": [{"destinationTableBucketARN": "…"}]}])'],
  [
    'destinations',
    'add 1 to 5 destinations ("destinations": [{"destinationTableBucketARN": "arn:aws:s3tables:<region>:<account>:bucket/<name>"}])',
  ],
  ['destinationTableBucketARN', 'add the ARN of the table bucket to replicate to'],
]);

interface Explained {
  why: string;
  /** The member the user meant, when there is one. */
  meant?: string;
}

/** Unknown members people write for a reason, per kind of object: why they do not exist. */
const EXPLAIN = new Map<Noun, Map<string, Explained>>([
  [
    RULE,
    new Map([
      [
        'status',
        {
          why: 'the S3 User Guide mentions a rule status, but the S3 Tables API has none: a rule has only "destinations"; remove it',
        },
      ],
    ]),
  ],
  [
    DESTINATION,
    new Map([
      [
        'destinationTableArn',
        {
          why: 'a destination is a table bucket, not a table: use "destinationTableBucketARN" with the bucket ARN',
          meant: 'destinationTableBucketARN',
        },
      ],
    ]),
  ],
  [
    ROOTS['table'] as Noun,
    new Map([
      [
        'tableBucketARN',
        {
          why: 'a table-level request names its source with "tableArn"; for bucket-level replication use put-table-bucket-replication; remove it',
        },
      ],
    ]),
  ],
  [
    ROOTS['bucket'] as Noun,
    new Map([
      [
        'tableArn',
        {
          why: 'a bucket-level request names its source with "tableBucketARN"; for table-level replication use put-table-replication; remove it',
        },
      ],
    ]),
  ],
]);

/** Members whose lower bound the ARN rules already enforce: their pattern cannot match a shorter value. */
const ARN_MEMBERS = new Set(['role', 'tableArn']);

/**
 * Validates a replication document against the S3 Tables API model (precompiled ajv validators)
 * and turns ajv's errors into one problem per fault, at the offending member.
 */
export function replicationShape(doc: ReplicationDoc): ShapeProblem[] {
  const { validate, root } =
    doc.form === 'get-output'
      ? { validate: validateGetReplication, root: ROOTS['get'] }
      : doc.sourceKey === 'tableBucketARN'
        ? { validate: validatePutTableBucketReplication, root: ROOTS['bucket'] }
        : { validate: validatePutTableReplication, root: ROOTS['table'] };
  return problems(validate as Validator, doc.data, root as Noun);
}

function problems(validate: Validator, data: unknown, root: Noun): ShapeProblem[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // A misspelt member is one problem, not two: drop "missing X" where an unknown member means X.
  const meant = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const path = pointerToPath(error.instancePath, data);
    const target = intended(String(error.params['additionalProperty']), nounOf(path, root));
    if (target) meant.add(`${error.instancePath}\u0000${target}`);
  }
  const out: ShapeProblem[] = [];
  for (const error of errors) {
    // A value that cannot be known (an unresolved template reference) is "cannot tell", not a wrong type.
    if (throughUnknown(data, pointerToPath(error.instancePath, data))) continue;
    const missing = error.keyword === 'required' ? String(error.params['missingProperty']) : undefined;
    if (missing !== undefined && meant.has(`${error.instancePath}\u0000${missing}`)) continue;
    const problem = translate(error, data, root);
    if (problem) out.push(problem);
  }
  return out;
}

function throughUnknown(data: unknown, path: Path): boolean {
  let node = data;
  if (isUnknown(node)) return true;
  for (const segment of path) {
    node = step(node, segment);
    if (isUnknown(node)) return true;
  }
  return false;
}

/** The member an unknown member was meant to be, when that is clear. */
function intended(member: string, noun: Noun): string | undefined {
  return (
    EXPLAIN.get(noun)?.get(member)?.meant ??
    noun.members.find((m) => m.toLowerCase() === member.toLowerCase())
  );
}

function translate(error: ValidationError, data: unknown, root: Noun): ShapeProblem | undefined {
  const path = pointerToPath(error.instancePath, data);
  const value = valueAt(data, path);
  const name = memberLabel(path);
  const noun = nounOf(path, root);
  const params = error.params;
  switch (error.keyword) {
    case 'required': {
      const member = String(params['missingProperty']);
      return {
        path,
        message: `missing "${member}": ${noun.what} needs it; ${MISSING.get(member) ?? `add "${member}"`}`,
      };
    }
    case 'additionalProperties': {
      const member = String(params['additionalProperty']);
      return { path: [...path, member], message: unknownMember(member, noun) };
    }
    case 'type':
      return {
        path,
        message: `"${name}" must be ${article(String(params['type']))}, not ${describeType(value)}`,
      };
    case 'minItems':
    case 'maxItems':
      return { path, message: count(path, value, Number(params['limit']), error.keyword) };
    case 'minLength': {
      const member = path[path.length - 1];
      if (typeof member === 'string' && ARN_MEMBERS.has(member)) return undefined;
      return {
        path,
        message:
          member === 'versionToken'
            ? '"versionToken" is empty; paste the token that get-table-bucket-replication printed, or leave "versionToken" out'
            : `"${name}" is shorter than ${String(params['limit'])} characters`,
      };
    }
    case 'maxLength': {
      const length = typeof value === 'string' ? [...value].length : 0;
      return {
        path,
        message: `"${name}" is ${length} characters long; at most ${String(params['limit'])} are allowed`,
      };
    }
    default:
      return { path, message: `"${name}" ${error.message ?? 'is not valid'}` };
  }
}

function unknownMember(member: string, noun: Noun): string {
  const explained = EXPLAIN.get(noun)?.get(member);
  if (explained) return `unknown member "${member}": ${explained.why}`;
  const near = noun.members.find((m) => m.toLowerCase() === member.toLowerCase());
  if (near) return `unknown member "${member}": member names are case-sensitive; rename it to "${near}"`;
  const list = noun.members.map((m) => `"${m}"`);
  const only =
    list.length === 1 ? `only ${list[0]}` : `only ${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  return `unknown member "${member}": ${noun.what} has ${only}; remove it`;
}

function count(path: Path, value: unknown, limit: number, keyword: string): string {
  const n = Array.isArray(value) ? value.length : 0;
  const member = path[path.length - 1];
  if (member === 'rules') {
    return `"rules" must hold exactly 1 rule, it holds ${n}${n > 1 ? '; S3 Tables replication takes one rule with up to 5 destinations' : ''}`;
  }
  if (member === 'destinations') {
    return keyword === 'maxItems'
      ? `"destinations" holds ${n} destinations; at most ${limit} are allowed (split the table buckets over several replication configurations)`
      : '"destinations" is empty; add at least 1 destination (at most 5)';
  }
  return keyword === 'maxItems'
    ? `"${String(member)}" holds ${n} items; at most ${limit} are allowed`
    : `"${String(member)}" holds ${n} items; at least ${limit} are needed`;
}

/** The kind of object at `path`, told by where it sits. */
function nounOf(path: Path, root: Noun): Noun {
  if (path.length === 0) return root;
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === 'configuration') return CONFIGURATION;
  if (typeof last === 'number' && parent === 'rules') return RULE;
  if (typeof last === 'number' && parent === 'destinations') return DESTINATION;
  return { what: `"${String(last)}"`, members: [] };
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** JSON Pointer (RFC 6901) → path; array indexes become numbers. */
export function pointerToPath(pointer: string, data: unknown): Path {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) && /^\d+$/.test(token) ? Number(token) : token;
    out.push(segment);
    node = step(node, segment);
  }
  return out;
}

function step(node: unknown, segment: string | number): unknown {
  if (Array.isArray(node)) return typeof segment === 'number' ? node[segment] : undefined;
  if (typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, segment))
    return (node as Record<string, unknown>)[segment];
  return undefined;
}

function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const segment of path) node = step(node, segment);
  return node;
}
