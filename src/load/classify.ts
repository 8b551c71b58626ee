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
import { isObject } from '../values.js';

type Obj = Record<string, unknown>;

const has = (o: Obj, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Tells documents apart by shape, never by file name. Returns the documents found in the file
 * (an account authorization details export holds many), or null when the shape is none we lint.
 */
export function classify(file: SourceFile, value: unknown): Doc[] | null {
  if (!isObject(value)) return null;

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
    return authorizationDetails(file, value);
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

function authorizationDetails(file: SourceFile, value: Obj): Doc[] {
  const docs: Doc[] = [];
  const origin = 'account-authorization-details';
  list(value['RoleDetailList']).forEach((entry, i) => {
    if (!isObject(entry)) return;
    const r = role(file, ['RoleDetailList', i], entry, origin);
    list(entry['RolePolicyList']).forEach((p, j) => {
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
    list(value[listKey]).forEach((entry, i) => {
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
      if (owner.name !== undefined) principal.name = owner.name;
      if (owner.arn !== undefined) principal.arn = owner.arn;
      docs.push(principal);
      list(entry[policyKey]).forEach((p, j) => {
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
  list(value['Policies']).forEach((entry, i) => {
    if (!isObject(entry)) return;
    const versions = list(entry['PolicyVersionList']);
    // Only the default version is in force.
    const index = versions.findIndex((v) => isObject(v) && v['IsDefaultVersion'] === true);
    const version = versions[index];
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

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
