import type {
  Doc,
  EncryptionDoc,
  PolicyDoc,
  PolicyOrigin,
  PolicyOwner,
  PolicyType,
  PrincipalDoc,
  RoleDoc,
  SourceFile,
} from '../model.js';
import type { Path } from '../model.js';
import { describeType, has, isObject, pathLabel } from '../values.js';
import { cloudformation, isTemplate } from './cloudformation.js';
import { isPlan, terraform } from './terraform.js';
import { classifyAws } from './aws.js';

type Obj = Record<string, unknown>;

/** Reports a part of an input that is not linted, and why (rule input-shape). */
export type ShapeSink = (path: Path, message: string, level?: 'warning') => void;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Tells documents apart by shape, never by file name. Returns the documents found in the file
 * (an account authorization details export holds many), or null when the shape is none we lint.
 */
export function classify(file: SourceFile, value: unknown, shape: ShapeSink = () => {}): Doc[] | null {
  if (!isObject(value)) return null;
  // Infrastructure code: the same documents, from a template or a plan.
  if (isTemplate(value)) return cloudformation(file, value);
  if (isPlan(value)) return terraform(file, value);
  const aws = classifyAws(file, value);
  if (aws) return [aws];

  if (has(value, 'configuration') && (has(value, 'tableArn') || has(value, 'tableBucketARN'))) {
    const table = has(value, 'tableArn');
    return [
      {
        kind: 'replication',
        file,
        root: [],
        data: value,
        level: table ? 'table' : 'bucket',
        form: 'put-request',
        sourceKey: table ? 'tableArn' : 'tableBucketARN',
      },
    ];
  }
  // Get{Table,TableBucket}Replication print the same shape: the level cannot be told.
  if (has(value, 'configuration') && has(value, 'versionToken') && isObject(value['configuration'])) {
    return [{ kind: 'replication', file, root: [], data: value, level: 'unknown', form: 'get-output' }];
  }

  // put-table-bucket-encryption input: the only encryption shape that names its bucket.
  if (typeof value['tableBucketARN'] === 'string' && isObject(value['encryptionConfiguration'])) {
    const config = value['encryptionConfiguration'];
    const doc: EncryptionDoc = {
      kind: 'encryption',
      file,
      root: [],
      data: value,
      tableBucketARN: value['tableBucketARN'],
    };
    const algorithm = str(config['sseAlgorithm']);
    const key = str(config['kmsKeyArn']);
    const at = ['encryptionConfiguration'];
    if (algorithm === undefined || !SSE_ALGORITHMS.includes(algorithm))
      shape(
        has(config, 'sseAlgorithm') ? [...at, 'sseAlgorithm'] : at,
        has(config, 'sseAlgorithm')
          ? `"sseAlgorithm" must be "AES256" or "aws:kms", not ${shown(config['sseAlgorithm'])}; the bucket's encryption is not known`
          : 'missing "sseAlgorithm": add "AES256" or "aws:kms"; the bucket\'s encryption is not known',
      );
    if (has(config, 'kmsKeyArn') && key === undefined)
      shape(
        [...at, 'kmsKeyArn'],
        `"kmsKeyArn" must be a string (the KMS key's ARN), not ${shown(config['kmsKeyArn'])}; the key is not known`,
      );
    if (algorithm !== undefined) doc.sseAlgorithm = algorithm;
    if (key !== undefined) doc.kmsKeyArn = key;
    return [doc];
  }

  if (
    isObject(value['Role']) &&
    (has(value['Role'], 'AssumeRolePolicyDocument') || has(value['Role'], 'RoleName'))
  ) {
    const r = role(file, ['Role'], value['Role'], 'get-role');
    return [r, ...(r.trust ? [r.trust] : [])];
  }
  if (has(value, 'PolicyName') && has(value, 'PolicyDocument')) {
    const owner: PolicyOwner | undefined = has(value, 'RoleName')
      ? { kind: 'role', name: str(value['RoleName']) }
      : has(value, 'UserName')
        ? { kind: 'user', name: str(value['UserName']) }
        : has(value, 'GroupName')
          ? { kind: 'group', name: str(value['GroupName']) }
          : undefined;
    const origin: PolicyOrigin =
      owner?.kind === 'user'
        ? 'get-user-policy'
        : owner?.kind === 'group'
          ? 'get-group-policy'
          : 'get-role-policy';
    return policies(file, ['PolicyDocument'], value['PolicyDocument'], origin, {
      name: str(value['PolicyName']),
      owner,
    });
  }
  if (isObject(value['PolicyVersion']) && has(value['PolicyVersion'], 'Document')) {
    return policies(
      file,
      ['PolicyVersion', 'Document'],
      value['PolicyVersion']['Document'],
      'get-policy-version',
      {},
    );
  }
  if (
    ['RoleDetailList', 'UserDetailList', 'GroupDetailList', 'Policies'].some((k) => Array.isArray(value[k]))
  ) {
    return authorizationDetails(file, value, shape);
  }
  // aws organizations describe-policy: an SCP or RCP, its document a JSON string in Content.
  if (
    isObject(value['Policy']) &&
    has(value['Policy'], 'Content') &&
    isObject(value['Policy']['PolicySummary'])
  ) {
    const summary = value['Policy']['PolicySummary'];
    const type = summary['Type'];
    const orgType =
      type === 'SERVICE_CONTROL_POLICY' ? 'scp' : type === 'RESOURCE_CONTROL_POLICY' ? 'rcp' : undefined;
    if (orgType) {
      const docs = policies(file, ['Policy', 'Content'], value['Policy']['Content'], 'describe-policy', {
        name: str(summary['Name']),
        type: orgType === 'rcp' ? 'resource' : 'identity',
        ...(str(summary['Arn']) !== undefined ? { policyArn: str(summary['Arn']) } : {}),
      });
      for (const d of docs) d.orgType = orgType;
      return docs;
    }
  }
  if (has(value, 'resourcePolicy') && Object.keys(value).length === 1) {
    return policies(file, ['resourcePolicy'], value['resourcePolicy'], 'get-table-bucket-policy', {
      type: 'resource',
    });
  }
  if (has(value, 'Statement')) {
    return policies(file, [], value, 'bare', {});
  }
  return null;
}

interface PolicyMeta {
  name?: string;
  owner?: PolicyOwner;
  policyArn?: string;
  type?: PolicyType;
}

function policies(
  file: SourceFile,
  root: Path,
  raw: unknown,
  origin: PolicyOrigin,
  meta: PolicyMeta,
): PolicyDoc[] {
  const decoded = decode(raw);
  const doc: PolicyDoc = {
    kind: 'policy',
    file,
    root,
    data: decoded.value,
    // Only a bare document has to be told by its content: a wrapper says what the policy is.
    policyType: meta.type ?? (origin === 'bare' ? policyType(decoded.value) : 'identity'),
    origin,
  };
  if (meta.name !== undefined) doc.name = meta.name;
  if (meta.owner !== undefined) doc.owner = meta.owner;
  if (meta.policyArn !== undefined) doc.policyArn = meta.policyArn;
  if (decoded.encoded) doc.encoded = true;
  return [doc];
}

/** The IAM API returns documents URL-encoded; the CLI prints them decoded. Accept both. */
function decode(raw: unknown): { value: unknown; encoded: boolean } {
  if (typeof raw !== 'string') return { value: raw, encoded: false };
  for (const text of [raw, safeDecodeURIComponent(raw)]) {
    if (text === undefined) continue;
    try {
      return { value: JSON.parse(text) as unknown, encoded: true };
    } catch {
      // try the next form
    }
  }
  return { value: raw, encoded: true };
}

function safeDecodeURIComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Trust policies name a Principal and only sts:Assume*-style actions; resource policies name a Principal. */
export function policyType(policy: unknown): PolicyType {
  if (!isObject(policy)) return 'identity';
  const statements = Array.isArray(policy['Statement']) ? policy['Statement'] : [policy['Statement']];
  const withPrincipal = statements.filter(
    (s) => isObject(s) && (has(s, 'Principal') || has(s, 'NotPrincipal')),
  );
  if (withPrincipal.length === 0) return 'identity';
  const actions = withPrincipal.flatMap((s) => {
    const a = (s as Obj)['Action'];
    return Array.isArray(a) ? a : [a];
  });
  const trust = actions.length > 0 && actions.every((a) => typeof a === 'string' && /^sts:/i.test(a));
  return trust ? 'trust' : 'resource';
}

function role(file: SourceFile, root: Path, data: Obj, origin: PolicyOrigin): RoleDoc {
  const doc: RoleDoc = { kind: 'role', file, root, data, inline: [], attached: [] };
  const name = str(data['RoleName']);
  const arn = str(data['Arn']);
  if (name !== undefined) doc.name = name;
  if (arn !== undefined) doc.arn = arn;
  const owner: PolicyOwner = { kind: 'role', name, arn };
  const boundary = boundaryArn(data);
  if (boundary !== undefined) doc.boundary = boundary;
  if (has(data, 'AssumeRolePolicyDocument')) {
    const [trust] = policies(
      file,
      [...root, 'AssumeRolePolicyDocument'],
      data['AssumeRolePolicyDocument'],
      origin,
      {
        owner,
        type: 'trust',
      },
    );
    if (trust) doc.trust = trust;
  }
  return doc;
}

function authorizationDetails(file: SourceFile, value: Obj, shape: ShapeSink): Doc[] {
  const docs: Doc[] = [];
  const origin = 'account-authorization-details';
  // Every entry that is not what get-account-authorization-details prints is said, not skipped.
  const entries = (v: unknown, at: Path, what: string): [unknown, number][] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      shape(at, `"${String(at.at(-1))}" must be an array of ${what}s, not ${shown(v)}; it is not linted`);
      return [];
    }
    const out: [unknown, number][] = [];
    v.forEach((entry, i) => {
      if (isObject(entry)) out.push([entry, i]);
      else shape([...at, i], `${pathLabel([...at, i])} is ${shown(entry)}, not ${what}; it is not linted`);
    });
    return out;
  };
  const LISTS = ['RoleDetailList', 'UserDetailList', 'GroupDetailList', 'Policies'] as const;
  if (LISTS.every((k) => !Array.isArray(value[k]) || value[k].length === 0))
    shape(
      [],
      'the account authorization details hold no role, user, group or managed policy: nothing in them is linted',
      'warning',
    );
  entries(value['RoleDetailList'], ['RoleDetailList'], 'a role (an object)').forEach(([entry, i]) => {
    if (!isObject(entry)) return;
    const r = role(file, ['RoleDetailList', i], entry, origin);
    entries(
      entry['RolePolicyList'],
      ['RoleDetailList', i, 'RolePolicyList'],
      'an inline policy (an object)',
    ).forEach(([p, j]) => {
      if (!isObject(p)) return;
      const owner: PolicyOwner = { kind: 'role', name: r.name, arn: r.arn };
      r.inline.push(
        ...policies(
          file,
          ['RoleDetailList', i, 'RolePolicyList', j, 'PolicyDocument'],
          p['PolicyDocument'],
          origin,
          {
            name: str(p['PolicyName']),
            owner,
          },
        ),
      );
    });
    for (const a of list(entry['AttachedManagedPolicies'])) {
      const arn = isObject(a) ? str(a['PolicyArn']) : undefined;
      if (arn) r.attached.push(arn);
    }
    docs.push(r, ...(r.trust ? [r.trust] : []), ...r.inline);
  });
  for (const [listKey, policyKey, kind] of [
    ['UserDetailList', 'UserPolicyList', 'user'],
    ['GroupDetailList', 'GroupPolicyList', 'group'],
  ] as const) {
    entries(value[listKey], [listKey], `a ${kind} (an object)`).forEach(([entry, i]) => {
      if (!isObject(entry)) return;
      const nameKey = kind === 'user' ? 'UserName' : 'GroupName';
      const owner: PolicyOwner = { kind, name: str(entry[nameKey]), arn: str(entry['Arn']) };
      const principal: PrincipalDoc = {
        kind: 'principal',
        file,
        root: [listKey, i],
        data: entry,
        type: kind,
        attached: list(entry['AttachedManagedPolicies']).flatMap((a) =>
          isObject(a) && typeof a['PolicyArn'] === 'string' ? [a['PolicyArn']] : [],
        ),
        groups: list(entry['GroupList']).filter((g): g is string => typeof g === 'string'),
      };
      const boundary = boundaryArn(entry);
      if (boundary !== undefined) principal.boundary = boundary;
      if (owner.name !== undefined) principal.name = owner.name;
      if (owner.arn !== undefined) principal.arn = owner.arn;
      docs.push(principal);
      entries(entry[policyKey], [listKey, i, policyKey], 'an inline policy (an object)').forEach(([p, j]) => {
        if (!isObject(p)) return;
        docs.push(
          ...policies(file, [listKey, i, policyKey, j, 'PolicyDocument'], p['PolicyDocument'], origin, {
            name: str(p['PolicyName']),
            owner,
          }),
        );
      });
    });
  }
  entries(value['Policies'], ['Policies'], 'a managed policy (an object)').forEach(([entry, i]) => {
    if (!isObject(entry)) return;
    const at: Path = ['Policies', i, 'PolicyVersionList'];
    const versions = entries(entry['PolicyVersionList'], at, 'a policy version (an object)');
    if (list(entry['PolicyVersionList']).length === 0)
      shape(
        has(entry, 'PolicyVersionList') ? at : ['Policies', i],
        'the managed policy has no version in the export ("PolicyVersionList"), so its document is not linted',
      );
    // Only the default version is in force: the others are not linted (README, "What it reads").
    const index = defaultVersion(versions, at, shape);
    const version = list(entry['PolicyVersionList'])[index];
    if (!isObject(version)) return;
    const arn = str(entry['Arn']);
    docs.push(
      ...policies(
        file,
        ['Policies', i, 'PolicyVersionList', index, 'Document'],
        version['Document'],
        origin,
        {
          name: str(entry['PolicyName']),
          owner: { kind: 'managed-policy', name: str(entry['PolicyName']), arn },
          ...(arn !== undefined ? { policyArn: arn } : {}),
        },
      ),
    );
  });
  return docs;
}

/** `PermissionsBoundary.PermissionsBoundaryArn` of get-role / authorization details entries. */
function boundaryArn(entry: Obj): string | undefined {
  const b = entry['PermissionsBoundary'];
  return isObject(b) ? str(b['PermissionsBoundaryArn']) : undefined;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** put-table-bucket-encryption's algorithms. */
const SSE_ALGORITHMS = ['AES256', 'aws:kms'];

/** A value for messages: a short string quoted, anything else by its type. */
const shown = (v: unknown): string =>
  typeof v === 'string' && v.length <= 40 ? `the string ${JSON.stringify(v)}` : describeType(v);

/**
 * The index of the version in force: the one with `"IsDefaultVersion": true`. The string "true" is
 * taken as meant, and said; no default (or several) is said, and then none (the first) is linted.
 */
function defaultVersion(versions: [unknown, number][], at: Path, shape: ShapeSink): number {
  const flag = (v: unknown): unknown => (isObject(v) ? v['IsDefaultVersion'] : undefined);
  const defaults = versions.filter(([v]) => flag(v) === true);
  if (defaults.length > 1)
    shape(
      [...at, defaults[1]?.[1] ?? 0, 'IsDefaultVersion'],
      `more than one version has "IsDefaultVersion": true; only one is in force (the first is linted)`,
    );
  if (defaults[0]) return defaults[0][1];
  const stringly = versions.find(([v]) => flag(v) === 'true');
  if (stringly) {
    shape(
      [...at, stringly[1], 'IsDefaultVersion'],
      '"IsDefaultVersion" must be the boolean true, not the string "true" (it is linted as the default version)',
    );
    return stringly[1];
  }
  if (versions.length > 0)
    shape(
      at,
      'no version has "IsDefaultVersion": true, so the policy in force is not known and none is linted',
    );
  return -1;
}
