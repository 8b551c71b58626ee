import { UsageError } from './errors.js';
import { isObject } from './load/classify.js';
import { statementsOf } from './iam/policy.js';
import type { Model, PolicyDoc, ReplicationDoc, RoleDoc } from './model.js';
import type { Path } from './rule.js';

/** The caller named as a principal of account authorization details: its policies, as IAM gathers them. */
export function bindPrincipal(model: Model, who: string): void {
  const is = (d: { name?: string; arn?: string }): boolean => d.arn === who || d.name === who;
  const role = model.roles.find(is);
  const principal = model.principals.find(is);
  if (!role && !principal)
    throw new UsageError(
      `--caller ${who}: no user, group or role of that name or ARN in an account-authorization-details input`,
    );
  const kind = role ? 'role' : principal?.type;
  const groups = principal?.type === 'user' ? principal.groups : [];
  const groupDocs = model.principals.filter(
    (p) => p.type === 'group' && p.name !== undefined && groups.includes(p.name),
  );
  const attached = [
    ...(role?.attached ?? principal?.attached ?? []),
    ...groupDocs.flatMap((g) => g.attached),
  ];
  const docs = model.policies.filter(
    (p) =>
      p.policyType === 'identity' &&
      ((p.owner !== undefined && p.owner.kind === kind && is(p.owner)) ||
        (p.owner?.kind === 'group' && p.owner.name !== undefined && groups.includes(p.owner.name)) ||
        (p.policyArn !== undefined && attached.includes(p.policyArn))),
  );
  const out = (model.bindings ??= { caller: [], roles: [] });
  out.caller.push(...docs);
  const unknown = unknownAttached(model, attached);
  if (unknown.length > 0) out.callerUnknown = [...(out.callerUnknown ?? []), ...unknown];
}

/** Attached managed policies whose documents are not among the inputs (they may grant what seems missing). */
export const unknownAttached = (model: Model, arns: readonly string[]): string[] =>
  [...new Set(arns)].filter((a) => !model.policies.some((p) => p.policyArn === a));

/**
 * The one role the run's replication configurations name, for `--role-policy` / `--trust-policy`;
 * a usage error when there is none or more than one.
 */
export function onlyRole(model: Model, flag: string): string {
  const roles = [...new Set(model.replications.map((r) => roleOf(r)?.arn).filter((r) => r !== undefined))];
  if (roles.length === 1) return roles[0] as string;
  if (roles.length === 0)
    throw new UsageError(
      `${flag} binds to the role a replication configuration names, but no configuration among the inputs names one`,
    );
  throw new UsageError(
    `${flag} is ambiguous: the replication configurations name ${roles.length} roles (${roles.join(', ')}); bind each role in the config file`,
  );
}

// --- ARNs (lenient: a value these do not parse is left to the ARN rules) -------------------------

export interface BucketRef {
  arn: string;
  partition: string;
  region: string;
  account: string;
  name: string;
}

export interface RoleRef {
  arn: string;
  partition: string;
  account: string;
  /** The role name, without its path. */
  name: string;
}

const BUCKET = /^arn:([^:]+):s3tables:([^:]+):(\d{12}):bucket\/([^/]+)$/;
const TABLE = /^(arn:([^:]+):s3tables:([^:]+):(\d{12}):bucket\/([^/]+))\/table\/([^/]+)$/;
const ROLE = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

export function parseBucketArn(arn: string): BucketRef | undefined {
  const m = BUCKET.exec(arn);
  if (!m) return undefined;
  return { arn, partition: m[1] ?? '', region: m[2] ?? '', account: m[3] ?? '', name: m[4] ?? '' };
}

/** A table ARN's bucket. */
export function parseTableArn(arn: string): BucketRef | undefined {
  const m = TABLE.exec(arn);
  if (!m) return undefined;
  return {
    arn: m[1] ?? '',
    partition: m[2] ?? '',
    region: m[3] ?? '',
    account: m[4] ?? '',
    name: m[5] ?? '',
  };
}

export function parseRoleArn(arn: string): RoleRef | undefined {
  const m = ROLE.exec(arn);
  if (!m) return undefined;
  return { arn, partition: m[1] ?? '', account: m[2] ?? '', name: m[3] ?? '' };
}

// --- Linked view of one replication configuration ------------------------------------------------

export interface Destination {
  bucket: BucketRef;
  /** Path of `destinationTableBucketARN` inside the replication document. */
  path: Path;
}

export interface LinkedReplication {
  doc: ReplicationDoc;
  /** Known for Put requests; Get...Replication output names no source. */
  source?: {
    level: 'table' | 'bucket';
    /** The table ARN (table level) or the bucket ARN (bucket level). */
    arn: string;
    bucket: BucketRef;
    path: Path;
  };
  role?: RoleRef & { path: Path };
  /** Destinations whose ARN parses; the ARN rules report the others. */
  destinations: Destination[];
}

const linkedCache = new WeakMap<ReplicationDoc, LinkedReplication>();

export function linkReplication(doc: ReplicationDoc): LinkedReplication {
  let linked = linkedCache.get(doc);
  if (linked) return linked;
  linked = { doc, destinations: [] };
  const data = isObject(doc.data) ? doc.data : {};
  if (doc.sourceKey && typeof data[doc.sourceKey] === 'string') {
    const arn = data[doc.sourceKey] as string;
    const level = doc.sourceKey === 'tableArn' ? 'table' : 'bucket';
    const bucket = level === 'table' ? parseTableArn(arn) : parseBucketArn(arn);
    if (bucket) linked.source = { level, arn, bucket, path: [doc.sourceKey] };
  }
  const role = roleOf(doc);
  if (role) linked.role = role;
  const config = isObject(data['configuration']) ? data['configuration'] : {};
  const rules = Array.isArray(config['rules']) ? config['rules'] : [];
  rules.forEach((rule, i) => {
    const dests = isObject(rule) && Array.isArray(rule['destinations']) ? rule['destinations'] : [];
    dests.forEach((d, j) => {
      const value = isObject(d) ? d['destinationTableBucketARN'] : undefined;
      const bucket = typeof value === 'string' ? parseBucketArn(value) : undefined;
      if (!bucket) return;
      // Twice the same bucket needs its permissions once (duplicate-destination reports it).
      if (linked?.destinations.some((x) => x.bucket.arn === bucket.arn)) return;
      linked?.destinations.push({
        bucket,
        path: ['configuration', 'rules', i, 'destinations', j, 'destinationTableBucketARN'],
      });
    });
  });
  linkedCache.set(doc, linked);
  return linked;
}

function roleOf(doc: ReplicationDoc): (RoleRef & { path: Path }) | undefined {
  const config = isObject(doc.data) && isObject(doc.data['configuration']) ? doc.data['configuration'] : {};
  const value = config['role'];
  const role = typeof value === 'string' ? parseRoleArn(value) : undefined;
  return role ? { ...role, path: ['configuration', 'role'] } : undefined;
}

// --- Documents that belong to a principal or a bucket --------------------------------------------

const sameRole = (role: RoleRef, arn: string | undefined, name: string | undefined): boolean =>
  arn !== undefined ? arn === role.arn : name === role.name;

/** get-role / account-authorization-details entries for the role. */
export const roleDocsOf = (model: Model, role: RoleRef): RoleDoc[] =>
  model.roles.filter((r) => sameRole(role, r.arn, r.name));

const boundTo = (model: Model, role: RoleRef) =>
  (model.bindings?.roles ?? []).filter((b) => b.role === role.arn || b.role === role.name);

/** The role's trust policies: from get-role / authorization details, or bound. */
export function trustPoliciesOf(model: Model, role: RoleRef): PolicyDoc[] {
  const docs = [
    ...roleDocsOf(model, role).flatMap((r) => (r.trust ? [r.trust] : [])),
    ...boundTo(model, role).flatMap((b) => (b.trust ? [b.trust] : [])),
  ];
  return docs.filter((d, i) => docs.indexOf(d) === i);
}

/** The role's permission policies: inline (get-role-policy, authorization details), attached managed, bound. */
export function rolePoliciesOf(model: Model, role: RoleRef): PolicyDoc[] {
  const attached = new Set(roleDocsOf(model, role).flatMap((r) => r.attached));
  const docs = [
    ...model.policies.filter(
      (p) =>
        p.policyType === 'identity' &&
        ((p.owner?.kind === 'role' && sameRole(role, p.owner.arn, p.owner.name)) ||
          (p.policyArn !== undefined && attached.has(p.policyArn))),
    ),
    ...boundTo(model, role).flatMap((b) => b.policies),
  ];
  return docs.filter((d, i) => docs.indexOf(d) === i);
}

/** The caller's identity policies, or undefined when the run does not say who the caller is. */
export function callerPoliciesOf(model: Model): PolicyDoc[] | undefined {
  const caller = model.bindings?.caller ?? [];
  return caller.length > 0 || model.bindings?.callerUnknown?.length ? caller : undefined;
}

/** Table bucket policies (resource policies) whose Resource names the bucket or its tables. */
export function bucketPoliciesOf(model: Model, bucketArn: string): PolicyDoc[] {
  return model.policies.filter(
    (p) =>
      p.policyType === 'resource' &&
      statementsOf(p).some((s) =>
        (s.resource ?? []).some((r) => r.value === bucketArn || r.value.startsWith(`${bucketArn}/`)),
      ),
  );
}
