/**
 * The linking stage: documents + bindings → the linked model, once. Every lookup the rules make
 * (role → trust and permission policies, bucket → bucket policies and encryption, file → bound
 * documents, managed policy ARN → document) is an index built here, so a run is linear in its
 * inputs. Rules never link.
 */
import { resolve } from 'node:path';
import { UsageError } from './errors.js';
import { parseBucketArn, parseRoleArn, parseTableArn } from './iam/arn.js';
import { appliesToBucket, isBucketPolicy } from './iam/buckets.js';
import { statementsOf } from './iam/policy.js';
import type {
  Boundary,
  BucketRef,
  Caller,
  Documents,
  EncryptionDoc,
  Model,
  ModelBindings,
  OrgLevel,
  PolicyDoc,
  PolicyOwner,
  PolicyType,
  ReplicationArns,
  ReplicationDoc,
  RoleDoc,
  RoleRef,
  Setup,
  SetupRole,
  StatedContext,
} from './model.js';
import { hasPlaceholder, isObject } from './values.js';

/** Which files (absolute paths) belong to whom: the config's `bindings` and the flags, resolved by the plan. */
export interface LinkBindings {
  /** Policies of the principal that calls Put…Replication. */
  caller?: readonly string[];
  /** Per role key (an ARN or a role name, as `configuration.role` names it). */
  roles?: readonly { key: string; policies: readonly string[]; trust?: string; boundary?: string }[];
  /** The caller's permissions boundary (a policy file). */
  callerBoundary?: string;
  /** What the user states about request contexts (the config's `context`). */
  context?: StatedContext;
  /** SCP and RCP levels: policy files attached above some accounts (the config's `organization`). */
  organization?: readonly {
    kind: 'scp' | 'rcp';
    accounts: readonly string[];
    policies: readonly string[];
    name: string;
  }[];
  /** `--role-policy` / `--trust-policy`: files of the one role the run's configurations name. */
  onlyRole?: { policies: readonly string[]; trust?: string; flag: string };
  /** `--caller`: a user, group or role of an account-authorization-details input. */
  callerPrincipal?: string;
  /**
   * `--source`: the table or table bucket ARN of the one Get...Replication output among the inputs
   * (that output does not name its source). Its level follows the ARN's kind.
   */
  source?: string;
}

export function link(docs: Documents, bindings: LinkBindings = {}, cwd: string = process.cwd()): Model {
  const byFile = fileIndex(docs, cwd);
  const roles = [...(bindings.roles ?? [])];
  // --role-policy / --trust-policy with no configuration naming a role: the files are still typed
  // by the flag (and linted as such); the permission rules say they could not run.
  let unowned: { policies: readonly string[]; trust?: string } | undefined;
  if (bindings.onlyRole) {
    const { policies, trust, flag } = bindings.onlyRole;
    const key = onlyRole(docs.replications, flag);
    if (key === undefined) unowned = { policies, ...(trust !== undefined ? { trust } : {}) };
    else roles.push({ key, policies, ...(trust !== undefined ? { trust } : {}) });
  }

  // A bound bare document takes its policy type (and owner) from the binding, not its content.
  const replaced = new Map<PolicyDoc, PolicyDoc>();
  const bind = (path: string, type: PolicyType, owner?: PolicyOwner): PolicyDoc[] =>
    (byFile.get(path)?.policies ?? []).map((p) => {
      const done = replaced.get(p);
      if (done) return done;
      if (p.origin !== 'bare' && p.owner !== undefined) return p;
      const bound: PolicyDoc = { ...p, ...(p.origin === 'bare' ? { policyType: type } : {}) };
      if (owner && p.owner === undefined) bound.owner = owner;
      replaced.set(p, bound);
      return bound;
    });
  const modelBindings: ModelBindings = { caller: [], roles: [] };
  for (const path of unowned?.policies ?? []) bind(path, 'identity');
  if (unowned?.trust !== undefined) bind(unowned.trust, 'trust');
  for (const path of bindings.caller ?? []) modelBindings.caller.push(...bind(path, 'identity'));
  const boundaries = new Map<string, PolicyDoc[]>();
  for (const { key, policies, trust, boundary } of roles) {
    if (boundary !== undefined) boundaries.set(key, bind(boundary, 'identity'));
    const owner: PolicyOwner = key.startsWith('arn:')
      ? { kind: 'role', arn: key }
      : { kind: 'role', name: key };
    const docsOfRole = policies.flatMap((p) => bind(p, 'identity', owner));
    let trustDoc: PolicyDoc | undefined;
    if (trust !== undefined) {
      // A get-role output holds its trust policy inside the role.
      const candidates = [
        ...bind(trust, 'trust'),
        ...(byFile.get(trust)?.roles ?? []).flatMap((r) => (r.trust ? [r.trust] : [])),
      ];
      trustDoc = candidates.find((p) => p.policyType === 'trust') ?? candidates[0];
    }
    modelBindings.roles.push({ role: key, policies: docsOfRole, ...(trustDoc ? { trust: trustDoc } : {}) });
  }
  const policies = replaced.size === 0 ? docs.policies : docs.policies.map((p) => replaced.get(p) ?? p);

  const index = new Index({ ...docs, policies }, modelBindings);
  const model: Model = { ...docs, policies, setups: [] };
  if (bindings.caller !== undefined || bindings.roles !== undefined || bindings.onlyRole !== undefined)
    model.bindings = modelBindings;

  const callerBoundary =
    bindings.callerBoundary !== undefined ? bind(bindings.callerBoundary, 'identity') : undefined;
  const caller = callerOf(index, modelBindings, bindings.callerPrincipal, callerBoundary);
  if (caller) model.caller = caller;
  model.setups = docs.replications.map((doc) => setupOf(doc, index, boundaries));
  if (bindings.context) model.context = bindings.context;
  if (bindings.organization) model.organization = organizationOf(bindings.organization, byFile);
  if (bindings.source !== undefined) giveSource(model.setups, bindings.source, index);
  return model;
}

/** SCP and RCP levels with their documents (a describe-policy output or a bare policy file). */
function organizationOf(
  levels: NonNullable<LinkBindings['organization']>,
  byFile: ReturnType<typeof fileIndex>,
): OrgLevel[] {
  return levels.map((l) => ({
    kind: l.kind,
    accounts: [...l.accounts],
    name: l.name,
    policies: l.policies.flatMap((path) => {
      const found = byFile.get(path)?.policies ?? [];
      for (const p of found)
        if (p.orgType !== undefined && p.orgType !== l.kind)
          throw new UsageError(
            `${l.name}: ${p.file.name} is ${p.orgType === 'scp' ? 'a service control policy' : 'a resource control policy'} (its PolicySummary.Type), not ${l.kind === 'scp' ? 'an SCP' : 'an RCP'}`,
          );
      return found;
    }),
  }));
}

/** Per file (absolute path), its policies and roles: the bindings' way to their documents. */
function fileIndex(docs: Documents, cwd: string): Map<string, { policies: PolicyDoc[]; roles: RoleDoc[] }> {
  const out = new Map<string, { policies: PolicyDoc[]; roles: RoleDoc[] }>();
  const slot = (name: string) => {
    const path = resolve(cwd, name);
    let entry = out.get(path);
    if (!entry) out.set(path, (entry = { policies: [], roles: [] }));
    return entry;
  };
  for (const p of docs.policies) slot(p.file.name).policies.push(p);
  for (const r of docs.roles) slot(r.file.name).roles.push(r);
  return out;
}

/** Lookups keyed by ARN and name, built once per run. */
class Index {
  readonly rolesByArn = new Map<string, RoleDoc[]>();
  readonly rolesByName = new Map<string, RoleDoc[]>();
  /** Roles with an ARN by `account/name`, to say why one that differs only by path is not linked. */
  readonly rolesByAccountName = new Map<string, RoleDoc[]>();
  /** Identity policies whose wrapper names a role (get-role-policy, authorization details). */
  readonly roleInlineByArn = new Map<string, PolicyDoc[]>();
  readonly roleInlineByName = new Map<string, PolicyDoc[]>();
  /**
   * Roles (and their inline policies) of templates and plans, whose ARN has a placeholder account:
   * by name too, as the role of that name in whatever account the template is deployed to.
   */
  readonly templateRoles = new Map<string, RoleDoc[]>();
  readonly templateInline = new Map<string, PolicyDoc[]>();
  readonly managed = new Map<string, PolicyDoc[]>();
  /** Bucket policies by the bucket ARN a literal Resource names (the bucket or a path below it). */
  readonly bucketPoliciesByArn = new Map<string, PolicyDoc[]>();
  /** Bucket policies with a Resource whose bucket part has a wildcard, or a NotResource: tried on every bucket. */
  readonly wildBucketPolicies: PolicyDoc[] = [];
  /** SSE-KMS encryption by bucket ARN (the first input that gives it). */
  readonly kms = new Map<string, EncryptionDoc>();
  readonly boundRoles = new Map<string, ModelBindings['roles']>();
  /** Input order, so that linked lists keep the order the documents were given in. */
  readonly order = new Map<object, number>();

  constructor(
    readonly docs: Documents,
    bindings: ModelBindings,
  ) {
    docs.roles.forEach((r, i) => this.order.set(r, i));
    docs.policies.forEach((p, i) => this.order.set(p, i));
    for (const r of docs.roles) {
      const ref = r.arn !== undefined ? parseRoleArn(r.arn) : undefined;
      if (ref) push(this.rolesByAccountName, `${ref.account}/${ref.name}`, r);
      if (r.arn !== undefined) push(this.rolesByArn, r.arn, r);
      else if (r.name !== undefined) push(this.rolesByName, r.name, r);
      if (r.arn !== undefined && r.name !== undefined && hasPlaceholder(r.arn))
        push(this.templateRoles, r.name, r);
    }
    for (const p of docs.policies) {
      if (p.policyArn !== undefined) push(this.managed, p.policyArn, p);
      if (p.policyType === 'identity' && p.owner?.kind === 'role') {
        if (p.owner.arn !== undefined) push(this.roleInlineByArn, p.owner.arn, p);
        else if (p.owner.name !== undefined) push(this.roleInlineByName, p.owner.name, p);
        if (p.owner.arn !== undefined && p.owner.name !== undefined && hasPlaceholder(p.owner.arn))
          push(this.templateInline, p.owner.name, p);
      }
      if (p.policyType === 'resource' && p.orgType === undefined && isBucketPolicy(p)) {
        const keys = bucketKeys(p);
        if (keys === undefined) this.wildBucketPolicies.push(p);
        else for (const k of keys) push(this.bucketPoliciesByArn, k, p);
      }
    }
    for (const e of docs.encryptions)
      if (e.sseAlgorithm === 'aws:kms' && !this.kms.has(e.tableBucketARN)) this.kms.set(e.tableBucketARN, e);
    for (const b of bindings.roles) push(this.boundRoles, b.role, b);
  }

  /** Documents naming the role: by ARN when they give one, else by name (as IAM names are unique). */
  roleDocs(role: RoleRef): RoleDoc[] {
    return this.inOrder(
      unique([
        ...(this.rolesByArn.get(role.arn) ?? []),
        ...(this.rolesByName.get(role.name) ?? []),
        ...(this.templateRoles.get(role.name) ?? []),
      ]),
    );
  }

  /** ARNs of other roles of the same account and name (a different path): IAM's ARN is exact. */
  otherPaths(role: RoleRef): string[] {
    const same = this.rolesByAccountName.get(`${role.account}/${role.name}`) ?? [];
    return unique(same.flatMap((r) => (r.arn !== undefined && r.arn !== role.arn ? [r.arn] : [])));
  }

  /** The role's inline and attached managed identity policies, in input order. */
  policiesOf(role: RoleRef, attached: ReadonlySet<string>): PolicyDoc[] {
    const managed = [...attached].flatMap((a) =>
      (this.managed.get(a) ?? []).filter((p) => p.policyType === 'identity'),
    );
    return this.inOrder(
      unique([
        ...(this.roleInlineByArn.get(role.arn) ?? []),
        ...(this.roleInlineByName.get(role.name) ?? []),
        ...(this.templateInline.get(role.name) ?? []),
        ...managed,
      ]),
    );
  }

  inOrder<T extends object>(items: T[]): T[] {
    return items.sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }

  bound(role: RoleRef): ModelBindings['roles'] {
    const byArn = this.boundRoles.get(role.arn) ?? [];
    const byName = role.name === role.arn ? [] : (this.boundRoles.get(role.name) ?? []);
    return [...byArn, ...byName];
  }

  /** The table bucket policies that apply to a bucket, in input order (matched as IAM matches). */
  bucketPoliciesOf(bucket: BucketRef): PolicyDoc[] {
    const candidates = unique([
      ...(this.bucketPoliciesByArn.get(bucket.arn) ?? []),
      ...this.wildBucketPolicies,
    ]);
    return this.inOrder(candidates.filter((p) => appliesToBucket(p, bucket)));
  }

  /** The identity documents of a managed policy ARN among the inputs. */
  managedIdentity(arn: string): PolicyDoc[] {
    return (this.managed.get(arn) ?? []).filter((p) => p.policyType === 'identity');
  }

  /** Attached managed policies whose documents are not among the inputs. */
  unknown(arns: readonly string[]): string[] {
    return [...new Set(arns)].filter((a) => !this.managed.has(a));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The bucket ARNs a policy's Resource entries name literally (`arn:…:bucket/name` or a path below
 * it); undefined when one cannot be read so (a wildcard in the bucket part, a NotResource), so
 * the policy is tried on every bucket. Only a candidate list: appliesToBucket decides.
 */
function bucketKeys(p: PolicyDoc): string[] | undefined {
  const keys = new Set<string>();
  for (const s of statementsOf(p)) {
    if (s.notResource) return undefined;
    for (const r of s.resource ?? []) {
      const value = r.value;
      const at = value.indexOf(':bucket/');
      if (at === -1) {
        if (value === '*' || /[*?$]/.test(value)) return undefined;
        continue; // another resource type: names no bucket
      }
      const slash = value.indexOf('/', at + ':bucket/'.length);
      const key = slash === -1 ? value : value.slice(0, slash);
      if (/[*?$]/.test(key)) return undefined;
      keys.add(key);
    }
  }
  return [...keys];
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/** `--source`: the source of the one setup whose document names none (Get...Replication output). */
function giveSource(setups: Setup[], arn: string, index: Index): void {
  const table = parseTableArn(arn);
  const bucket = table ?? parseBucketArn(arn);
  if (!bucket) throw new UsageError(`--source ${arn}: not an S3 Tables table or table bucket ARN`);
  const without = setups.filter((s) => s.arns.source === undefined);
  if (without.length !== 1)
    throw new UsageError(
      without.length === 0
        ? `--source names the source of Get...Replication output, but every replication configuration among the inputs names its own`
        : `--source is ambiguous: ${without.length} replication configurations among the inputs name no source (${without.map((s) => s.doc.file.name).join(', ')}); lint one at a time`,
    );
  const setup = without[0] as Setup;
  const encryption = index.kms.get(bucket.arn);
  // No path in the document holds it: findings about the source point at the document.
  setup.source = {
    level: table ? 'table' : 'bucket',
    arn,
    bucket,
    path: [],
    ...(encryption ? { encryption } : {}),
  };
}

function setupOf(doc: ReplicationDoc, index: Index, boundaries: ReadonlyMap<string, PolicyDoc[]>): Setup {
  const arns = replicationArns(doc);
  const setup: Setup = { doc, arns, destinations: [] };
  if (arns.source) {
    const level = arns.source.kind === 'table' ? 'table' : 'bucket';
    const bucket = level === 'table' ? parseTableArn(arns.source.value) : parseBucketArn(arns.source.value);
    if (bucket) {
      const encryption = index.kms.get(bucket.arn);
      setup.source = {
        level,
        arn: arns.source.value,
        bucket,
        path: arns.source.path,
        ...(encryption ? { encryption } : {}),
      };
    }
  }
  const roleRef = arns.role ? parseRoleArn(arns.role.value) : undefined;
  if (roleRef && arns.role) setup.role = roleOf(roleRef, arns.role.path, index, boundaries);
  const seen = new Set<string>();
  for (const d of arns.destinations) {
    const bucket = parseBucketArn(d.value);
    // Twice the same bucket needs its permissions once (duplicate-destination reports it).
    if (!bucket || seen.has(bucket.arn)) continue;
    seen.add(bucket.arn);
    const encryption = index.kms.get(bucket.arn);
    setup.destinations.push({
      bucket,
      path: d.path,
      policies: index.bucketPoliciesOf(bucket),
      ...(encryption ? { encryption } : {}),
    });
  }
  return setup;
}

function roleOf(
  ref: RoleRef,
  path: Setup['doc']['root'],
  index: Index,
  boundaries: ReadonlyMap<string, PolicyDoc[]>,
): SetupRole {
  const docs = index.roleDocs(ref);
  const bound = index.bound(ref);
  const attached = docs.flatMap((r) => r.attached);
  const boundDocs = boundaries.get(ref.arn) ?? (ref.name !== ref.arn ? boundaries.get(ref.name) : undefined);
  const named = docs.find((r) => r.boundary !== undefined);
  let boundary: Boundary | undefined;
  if (boundDocs && boundDocs.length > 0) {
    boundary = { policies: boundDocs, from: boundDocs[0]! };
    if (named?.boundary !== undefined) boundary.arn = named.boundary;
  } else if (named?.boundary !== undefined) {
    boundary = { arn: named.boundary, policies: index.managedIdentity(named.boundary), from: named };
  }
  return {
    ...(boundary ? { boundary } : {}),
    ...ref,
    path,
    docs,
    trust: unique([
      ...docs.flatMap((r) => (r.trust ? [r.trust] : [])),
      ...bound.flatMap((b) => (b.trust ? [b.trust] : [])),
    ]),
    policies: unique([...index.policiesOf(ref, new Set(attached)), ...bound.flatMap((b) => b.policies)]),
    unknownAttached: index.unknown(attached),
    otherPaths: index.otherPaths(ref),
  };
}

/** The caller: bound policy files and/or a principal of account authorization details. */
function callerOf(
  index: Index,
  bindings: ModelBindings,
  who: string | undefined,
  boundDocs: PolicyDoc[] | undefined,
): Caller | undefined {
  const policies = [...bindings.caller];
  let unknownAttached: string[] = [];
  let principal: Caller['principal'];
  let boundary: Boundary | undefined;
  if (who !== undefined) {
    const found = principalPolicies(index, who);
    policies.push(...found.policies);
    unknownAttached = found.unknownAttached;
    principal = found.principal;
    boundary = found.boundary;
  }
  if (boundDocs && boundDocs.length > 0) boundary = { ...boundary, policies: boundDocs, from: boundDocs[0]! };
  if (policies.length === 0 && unknownAttached.length === 0) return undefined;
  return {
    policies: unique(policies),
    unknownAttached,
    ...(principal ? { principal } : {}),
    ...(boundary ? { boundary } : {}),
  };
}

/** A user, group or role of account authorization details: its policies, as IAM gathers them. */
function principalPolicies(index: Index, who: string): Caller {
  const { docs } = index;
  const is = (d: { name?: string; arn?: string }): boolean => d.arn === who || d.name === who;
  const role = docs.roles.find(is);
  const principal = docs.principals.find(is);
  if (!role && !principal)
    throw new UsageError(
      `--caller ${who}: no user, group or role of that name or ARN in an account-authorization-details input`,
    );
  const kind = role ? 'role' : principal?.type;
  const groups = new Set(principal?.type === 'user' ? principal.groups : []);
  const groupDocs = docs.principals.filter(
    (p) => p.type === 'group' && p.name !== undefined && groups.has(p.name),
  );
  const attached = new Set([
    ...(role?.attached ?? principal?.attached ?? []),
    ...groupDocs.flatMap((g) => g.attached),
  ]);
  const policies = docs.policies.filter(
    (p) =>
      p.policyType === 'identity' &&
      ((p.owner !== undefined && p.owner.kind === kind && is(p.owner)) ||
        (p.owner?.kind === 'group' && p.owner.name !== undefined && groups.has(p.owner.name)) ||
        (p.policyArn !== undefined && attached.has(p.policyArn))),
  );
  const entry = role ?? principal;
  const kindOf = role ? 'role' : (principal?.type ?? 'user');
  const named = entry?.boundary;
  return {
    policies,
    unknownAttached: index.unknown([...attached]),
    principal: {
      kind: kindOf,
      ...(entry?.arn !== undefined ? { arn: entry.arn } : {}),
      ...(entry?.name !== undefined ? { name: entry.name } : {}),
    },
    ...(named !== undefined && entry
      ? { boundary: { arn: named, policies: index.managedIdentity(named), from: entry } }
      : {}),
  };
}

/**
 * The one role the run's replication configurations name (for `--role-policy` / `--trust-policy`);
 * undefined when none names one.
 */
function onlyRole(replications: readonly ReplicationDoc[], flag: string): string | undefined {
  const roles = unique(
    replications.flatMap((r) => {
      const value = replicationArns(r).role?.value;
      return value !== undefined && parseRoleArn(value) ? [value] : [];
    }),
  );
  if (roles.length === 1) return roles[0] as string;
  if (roles.length === 0) return undefined;
  throw new UsageError(
    `${flag} is ambiguous: the replication configurations name ${roles.length} roles (${roles.join(', ')}); bind each role in the config file`,
  );
}

/** The ARNs of a replication document. Values that are not strings are left to the shape check. */
export function replicationArns(doc: ReplicationDoc): ReplicationArns {
  const out: ReplicationArns = { destinations: [] };
  const data = doc.data;
  if (!isObject(data)) return out;
  if (doc.sourceKey) {
    const value = data[doc.sourceKey];
    if (typeof value === 'string') {
      const kind = doc.sourceKey === 'tableArn' ? 'table' : 'table-bucket';
      out.source = { value, path: [doc.sourceKey], field: doc.sourceKey, kind };
    }
  }
  const config = data['configuration'];
  if (!isObject(config)) return out;
  const role = config['role'];
  if (typeof role === 'string') out.role = { value: role, path: ['configuration', 'role'], field: 'role' };
  const rules = config['rules'];
  if (!Array.isArray(rules)) return out;
  rules.forEach((rule: unknown, r) => {
    const destinations = isObject(rule) ? rule['destinations'] : undefined;
    if (!Array.isArray(destinations)) return;
    destinations.forEach((d: unknown, i) => {
      const value = isObject(d) ? d['destinationTableBucketARN'] : undefined;
      if (typeof value !== 'string') return;
      const path = ['configuration', 'rules', r, 'destinations', i, 'destinationTableBucketARN'];
      out.destinations.push({ value, path, field: 'destinationTableBucketARN', rule: r, index: i });
    });
  });
  return out;
}
