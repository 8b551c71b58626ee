/**
 * Terraform plans (`terraform show -json PLAN`) → the same documents the other inputs give. Values
 * come from `resource_changes[].change.after` (child modules included); what is known only after
 * apply (`after_unknown`) is an Unknown. Where a value is unknown, `configuration`'s
 * `expressions.*.references` say which resource it comes from: a replication's `role` links to its
 * `aws_iam_role` that way, and a policy attribute to the `aws_iam_policy_document` whose JSON the
 * plan has. A resource created by the plan gets placeholder ARNs (values.ts) built from its name.
 */
import {
  Unknown,
  isUnknown,
  type Doc,
  type EncryptionDoc,
  type Path,
  type PolicyDoc,
  type PolicyOwner,
  type PolicyType,
  type ReplicationDoc,
  type RoleDoc,
  type SourceFile,
} from '../model.js';
import { has, isObject, PLACEHOLDER, printable } from '../values.js';
import { Renderer } from './render.js';

type Obj = Record<string, unknown>;

/** A plan or state this loader cannot read (an unknown format version): a one-line parse error. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly offset = 0,
    readonly length = 0,
  ) {
    super(message);
  }
}

/** `format_version` with `planned_values` or `resource_changes`. */
export function isPlan(value: unknown): value is Obj {
  return (
    isObject(value) &&
    has(value, 'format_version') &&
    (has(value, 'planned_values') || has(value, 'resource_changes'))
  );
}

const SUPPORTED_MAJOR = '1';
/** The resource types documents come from or references lead to. */
const READ = /^aws_(iam_|s3tables_|kms_key$)/;

interface Resource {
  address: string;
  /** `module.x[0]` or '' at the root. */
  module: string;
  type: string;
  mode: string;
  /** After apply, with Unknowns where `after_unknown` says so. */
  values: Obj;
  root: Path;
  expressions: Obj;
}

const PARTITION = 'aws';

class Plan {
  readonly resources = new Map<string, Resource>();
  readonly token: string;
  readonly renderer = new Renderer(
    '${data.aws_caller_identity.current.account_id}',
    '${data.aws_region.current.region}',
  );
  constructor(
    readonly file: SourceFile,
    plan: Obj,
  ) {
    this.token = file.name.replace(/[^A-Za-z0-9_+=,.@-]/g, '-');
    const config = new Map<string, Obj>();
    const walkConfig = (module: unknown, prefix: string, depth: number): void => {
      if (!isObject(module) || depth > 32) return;
      for (const r of list(module['resources'])) {
        if (isObject(r) && typeof r['address'] === 'string')
          config.set(prefix + r['address'], isObject(r['expressions']) ? r['expressions'] : {});
      }
      const calls = module['module_calls'];
      if (isObject(calls))
        for (const [name, call] of Object.entries(calls))
          if (isObject(call)) walkConfig(call['module'], `${prefix}module.${name}.`, depth + 1);
    };
    walkConfig(isObject(plan['configuration']) ? plan['configuration']['root_module'] : undefined, '', 0);
    const expressionsOf = (address: string): Obj => config.get(address.replace(/\[[^\]]*\]/g, '')) ?? {};

    list(plan['resource_changes']).forEach((rc, i) => {
      if (!isObject(rc) || typeof rc['address'] !== 'string' || typeof rc['type'] !== 'string') return;
      // Only the resources this loader reads (a plan is mostly others: instances, functions …).
      if (!READ.test(rc['type'])) return;
      const change = isObject(rc['change']) ? rc['change'] : {};
      const after = change['after'];
      if (!isObject(after)) return; // deleted
      this.add({
        address: rc['address'],
        module: typeof rc['module_address'] === 'string' ? rc['module_address'] : '',
        type: rc['type'],
        mode: typeof rc['mode'] === 'string' ? rc['mode'] : 'managed',
        values: withUnknown(after, change['after_unknown'], file, [
          'resource_changes',
          i,
          'change',
          'after',
        ]) as Obj,
        root: ['resource_changes', i, 'change', 'after'],
        expressions: expressionsOf(rc['address']),
      });
    });
    // Data sources read while planning (aws_iam_policy_document) are in prior_state only.
    const prior = isObject(plan['prior_state']) ? plan['prior_state']['values'] : undefined;
    const walkState = (module: unknown, path: Path, depth: number): void => {
      if (!isObject(module) || depth > 32) return;
      list(module['resources']).forEach((r, i) => {
        if (!isObject(r) || r['mode'] !== 'data' || typeof r['address'] !== 'string') return;
        if (this.resources.has(r['address']) || !isObject(r['values']) || typeof r['type'] !== 'string')
          return;
        const address = r['address'];
        this.add({
          address,
          module: address.startsWith('module.') ? address.slice(0, address.indexOf('.data.')) : '',
          type: r['type'],
          mode: 'data',
          values: r['values'],
          root: [...path, 'resources', i, 'values'],
          expressions: expressionsOf(address),
        });
      });
      list(module['child_modules']).forEach((m, i) => walkState(m, [...path, 'child_modules', i], depth + 1));
    };
    walkState(
      isObject(prior) ? prior['root_module'] : undefined,
      ['prior_state', 'values', 'root_module'],
      0,
    );
  }

  private add(r: Resource): void {
    this.resources.set(r.address, r);
  }

  /** The resource a reference names, seen from a resource of `module`. */
  target(from: Resource, reference: string): { resource: Resource; attribute: string } | undefined {
    const prefix = from.module === '' ? '' : `${from.module}.`;
    const parts = reference.split('.');
    const data = parts[0] === 'data';
    const n = data ? 3 : 2;
    if (parts.length < n || parts[0] === 'module' || parts[0] === 'var' || parts[0] === 'local')
      return undefined;
    const address = prefix + parts.slice(0, n).join('.');
    const attribute = parts.slice(n).join('.');
    const resource = this.resources.get(address) ?? this.resources.get(address.replace(/\[[^\]]*\]$/, ''));
    return resource ? { resource, attribute } : undefined;
  }

  /** An attribute's value; when unknown, the value of the attribute its expression references. */
  value(r: Resource, key: string, depth = 0): unknown {
    const v = r.values[key];
    if (!isUnknown(v) && v !== undefined) return v;
    const expression = r.expressions[key];
    const references = isObject(expression) ? list(expression['references']) : [];
    for (const ref of references) {
      if (typeof ref !== 'string' || depth > 8) continue;
      const t = this.target(r, ref);
      if (!t || t.attribute === '') continue;
      const known = this.attribute(t.resource, t.attribute, depth + 1);
      if (known !== undefined && !isUnknown(known)) return known;
    }
    return v;
  }

  /** Where the value of `key` comes from, for positions of a policy read through a reference. */
  source(r: Resource, key: string): { resource: Resource; key: string } {
    if (!isUnknown(r.values[key])) return { resource: r, key };
    const expression = r.expressions[key];
    for (const ref of isObject(expression) ? list(expression['references']) : []) {
      const t = typeof ref === 'string' ? this.target(r, ref) : undefined;
      if (
        t &&
        t.attribute !== '' &&
        !isUnknown(t.resource.values[t.attribute]) &&
        has(t.resource.values, t.attribute)
      )
        return { resource: t.resource, key: t.attribute };
    }
    return { resource: r, key };
  }

  /** A resource's attribute: its value, or the placeholder ARN of what the plan creates. */
  attribute(r: Resource, attribute: string, depth = 0): unknown {
    if (attribute === 'arn') return this.arn(r, depth);
    if (attribute === 'name' || attribute === 'id') {
      const name = this.value(r, 'name', depth);
      if (typeof name === 'string') return name;
      if (r.type === 'aws_iam_role') return this.roleName(r);
    }
    return this.value(r, attribute, depth);
  }

  private roleName(r: Resource): string {
    const name = this.value(r, 'name');
    return typeof name === 'string' ? name : r.address.replace(/[^A-Za-z0-9_+=,.@-]/g, '-');
  }

  /** The ARN, or one with placeholders for a resource the plan creates (unique to the plan). */
  arn(r: Resource, depth = 0): unknown {
    const known = r.values['arn'];
    if (typeof known === 'string') return known;
    const arn = this.#arn(r, depth);
    // How the configuration writes it, for messages and fixes.
    if (typeof arn === 'string') this.renderer.add(arn, `\${${r.address}.arn}`);
    return arn;
  }

  #arn(r: Resource, depth: number): unknown {
    const known = r.values['arn'];
    const account = PLACEHOLDER.account;
    const region = typeof r.values['region'] === 'string' ? r.values['region'] : PLACEHOLDER.region;
    const path = (): string => {
      const p = r.values['path'];
      return typeof p === 'string' && p.startsWith('/') && p.endsWith('/') ? p : '/';
    };
    const generated = typeof this.value(r, 'name', depth) !== 'string';
    const unique = generated ? `${this.token}/` : '';
    switch (r.type) {
      case 'aws_iam_role':
        return `arn:${PARTITION}:iam::${account}:role${path()}${unique}${this.roleName(r)}`;
      case 'aws_iam_policy': {
        const name = this.value(r, 'name', depth);
        const n = typeof name === 'string' ? name : r.address.replace(/[^A-Za-z0-9_+=,.@-]/g, '-');
        return `arn:${PARTITION}:iam::${account}:policy${path()}${unique}${n}`;
      }
      case 'aws_s3tables_table_bucket': {
        const name = this.value(r, 'name', depth);
        if (typeof name !== 'string') return new Unknown('known after apply');
        return `arn:${PARTITION}:s3tables:${region}:${account}:bucket/${name}`;
      }
      case 'aws_kms_key':
        return `arn:${PARTITION}:kms:${region}:${account}:key/${r.address.replace(/[^A-Za-z0-9-]/g, '-')}`;
      default:
        return known === undefined ? new Unknown('known after apply') : known;
    }
  }
}

/**
 * `after` with an Unknown wherever `after_unknown` has `true`. Changes the parsed value in place (it
 * is this run's own copy of the file, never written back): a 20 MB plan is not copied again.
 */
function withUnknown(after: unknown, unknown: unknown, file: SourceFile, path: Path, depth = 0): unknown {
  if (unknown === true) return new Unknown('known after apply', { file, path });
  if (depth > 64 || typeof unknown !== 'object' || unknown === null) return after;
  if (Array.isArray(unknown)) {
    const items = Array.isArray(after) ? (after as unknown[]) : [];
    unknown.forEach((u, i) => {
      if (u !== false) items[i] = withUnknown(items[i], u, file, [...path, i], depth + 1);
    });
    return items;
  }
  const out: Obj = isObject(after) ? after : {};
  for (const [k, u] of Object.entries(unknown)) {
    if (u === false) continue;
    const v = withUnknown(out[k], u, file, [...path, k], depth + 1);
    // An own property, as JSON.parse makes it: a "__proto__" key must not set the prototype.
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/** The documents of a plan. */
export function terraform(file: SourceFile, value: Obj): Doc[] {
  const version = value['format_version'];
  const major = typeof version === 'string' ? version.split('.')[0] : undefined;
  if (major !== SUPPORTED_MAJOR)
    throw new PlanError(
      `Terraform plan format_version ${JSON.stringify(version)} is not supported (this version reads ${SUPPORTED_MAJOR}.x); upgrade s3tables-lint or write the plan with a Terraform that emits ${SUPPORTED_MAJOR}.x`,
    );
  const plan = new Plan(file, value);
  file.render = plan.renderer.render;
  const docs: Doc[] = [];
  const roles = new Map<string, RoleDoc>();

  const policy = (
    r: Resource,
    key: string,
    type: PolicyType,
    meta: { name?: string; owner?: PolicyOwner; policyArn?: string },
    base: { resource: Resource; root: Path } = { resource: r, root: r.root },
  ): PolicyDoc => {
    // The plan holds policies as JSON strings (jsonencode, aws_iam_policy_document.json).
    const src = base.resource === r && base.root === r.root ? plan.source(r, key) : { resource: r, key };
    const raw = base.resource === r && base.root === r.root ? plan.value(r, key) : base.resource.values[key];
    const root = src.resource === r ? [...base.root, key] : [...src.resource.root, src.key];
    return {
      kind: 'policy',
      file,
      root,
      data: decode(raw, file, root),
      policyType: type,
      origin: 'terraform',
      encoded: typeof raw === 'string',
      logicalLocation: printable(r.address),
      ...meta,
    };
  };

  for (const r of plan.resources.values()) {
    if (r.type !== 'aws_iam_role' || r.mode !== 'managed') continue;
    const name = plan.attribute(r, 'name');
    const arn = plan.arn(r);
    const roleName = typeof name === 'string' ? name : undefined;
    const roleArn = typeof arn === 'string' ? arn : undefined;
    const owner: PolicyOwner = {
      kind: 'role',
      ...(roleName !== undefined ? { name: roleName } : {}),
      ...(roleArn !== undefined ? { arn: roleArn } : {}),
    };
    const role: RoleDoc = {
      kind: 'role',
      file,
      root: r.root,
      data: r.values,
      inline: [],
      attached: [],
      logicalLocation: printable(r.address),
      ...(roleName !== undefined ? { name: roleName } : {}),
      ...(roleArn !== undefined ? { arn: roleArn } : {}),
    };
    if (has(r.values, 'assume_role_policy')) role.trust = policy(r, 'assume_role_policy', 'trust', { owner });
    list(r.values['inline_policy']).forEach((p, i) => {
      if (!isObject(p) || !has(p, 'policy')) return;
      const base = { resource: { ...r, values: p }, root: [...r.root, 'inline_policy', i] };
      role.inline.push(
        policy(
          r,
          'policy',
          'identity',
          { owner, ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}) },
          base,
        ),
      );
    });
    const boundary = plan.value(r, 'permissions_boundary');
    if (boundary !== null && boundary !== undefined)
      role.boundary = typeof boundary === 'string' ? boundary : '(known after apply)';
    for (const a of list(r.values['managed_policy_arns']))
      role.attached.push(typeof a === 'string' ? a : '(known after apply)');
    if (roleName !== undefined) roles.set(roleName, role);
    docs.push(role, ...(role.trust ? [role.trust] : []), ...role.inline);
  }
  const roleNamed = (r: Resource, key: string): RoleDoc | undefined => {
    const name = plan.value(r, key);
    if (typeof name !== 'string') return undefined;
    let role = roles.get(name);
    if (!role) {
      role = {
        kind: 'role',
        file,
        root: [...r.root, key],
        data: {},
        name,
        inline: [],
        attached: [],
        logicalLocation: printable(r.address),
      };
      roles.set(name, role);
      docs.push(role);
    }
    return role;
  };

  for (const r of plan.resources.values()) {
    if (r.mode !== 'managed') continue;
    switch (r.type) {
      case 'aws_iam_role_policy': {
        const role = roleNamed(r, 'role');
        const name = r.values['name'];
        const owner: PolicyOwner | undefined = role
          ? {
              kind: 'role',
              ...(role.name !== undefined ? { name: role.name } : {}),
              ...(role.arn !== undefined ? { arn: role.arn } : {}),
            }
          : undefined;
        docs.push(
          policy(r, 'policy', 'identity', {
            ...(owner ? { owner } : {}),
            ...(typeof name === 'string' ? { name } : {}),
          }),
        );
        break;
      }
      case 'aws_iam_policy': {
        const arn = plan.arn(r);
        const name = plan.value(r, 'name');
        docs.push(
          policy(r, 'policy', 'identity', {
            ...(typeof name === 'string' ? { name } : {}),
            ...(typeof arn === 'string'
              ? {
                  policyArn: arn,
                  owner: { kind: 'managed-policy', arn, ...(typeof name === 'string' ? { name } : {}) },
                }
              : {}),
          }),
        );
        break;
      }
      case 'aws_iam_policy_attachment': {
        // Exclusive attachment to lists of roles (users and groups are not linked to setups).
        const arn = plan.value(r, 'policy_arn');
        const names = plan.value(r, 'roles');
        for (const name of typeof names === 'string' ? [names] : list(names)) {
          if (typeof name !== 'string') continue;
          const role = roleNamed({ ...r, values: { role: name }, expressions: {} }, 'role');
          role?.attached.push(typeof arn === 'string' ? arn : '(known after apply)');
        }
        break;
      }
      case 'aws_iam_role_policy_attachment': {
        const role = roleNamed(r, 'role');
        const arn = plan.value(r, 'policy_arn');
        role?.attached.push(typeof arn === 'string' ? arn : '(known after apply)');
        break;
      }
      case 'aws_s3tables_table_bucket_policy': {
        const bucket = plan.value(r, 'table_bucket_arn');
        docs.push(
          policy(r, 'resource_policy', 'resource', {
            owner: { kind: 'table-bucket', ...(typeof bucket === 'string' ? { arn: bucket } : {}) },
          }),
        );
        break;
      }
      case 'aws_s3tables_table_bucket': {
        const e = r.values['encryption_configuration'];
        const arn = plan.arn(r);
        if (isObject(e) && typeof arn === 'string') {
          const doc: EncryptionDoc = {
            kind: 'encryption',
            file,
            root: [...r.root, 'encryption_configuration'],
            data: e,
            tableBucketARN: arn,
            logicalLocation: printable(r.address),
          };
          if (typeof e['sse_algorithm'] === 'string') doc.sseAlgorithm = e['sse_algorithm'];
          if (typeof e['kms_key_arn'] === 'string') doc.kmsKeyArn = e['kms_key_arn'];
          docs.push(doc);
        }
        break;
      }
      case 'aws_s3tables_table_bucket_replication':
      case 'aws_s3tables_table_replication':
        docs.push(replication(plan, r));
        break;
    }
  }
  return docs;
}

/** Terraform's names → the API's, inside a replication resource. */
const TO_API: Readonly<Record<string, string>> = {
  rule: 'rules',
  destination: 'destinations',
  destination_table_bucket_arn: 'destinationTableBucketARN',
};
const TO_PLAN: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TO_API).map(([k, v]) => [v, k]),
);

function replication(plan: Plan, r: Resource): ReplicationDoc {
  const table = r.type === 'aws_s3tables_table_replication';
  const sourceKey = table ? 'tableArn' : 'tableBucketARN';
  const sourceAttr = table ? 'table_arn' : 'table_bucket_arn';
  const rules = list(r.values['rule']).map((rule, i) => {
    if (!isObject(rule)) return rule;
    const destinations = list(rule['destination']).map((d, j) => {
      if (!isObject(d)) return d;
      // An unknown destination may name a bucket of the plan.
      const self = { ...r, values: d, expressions: nested(r.expressions, ['rule', i, 'destination', j]) };
      return { destinationTableBucketARN: plan.value(self, 'destination_table_bucket_arn') };
    });
    return { destinations };
  });
  const config: Obj = { role: plan.value(r, 'role') };
  if (has(r.values, 'rule')) config['rules'] = rules;
  return {
    kind: 'replication',
    file: plan.file,
    root: r.root,
    data: { [sourceKey]: plan.value(r, sourceAttr), configuration: config },
    level: table ? 'table' : 'bucket',
    form: 'put-request',
    sourceKey,
    logicalLocation: printable(r.address),
    filePath: (path) =>
      path[0] === sourceKey
        ? [sourceAttr]
        : path[0] === 'configuration'
          ? path.slice(1).map((s) => (typeof s === 'string' ? (TO_PLAN[s] ?? s) : s))
          : path,
  };
}

/** The expressions of a nested block (configuration writes blocks as arrays of objects). */
function nested(expressions: Obj, path: Path): Obj {
  let node: unknown = expressions;
  for (const s of path) {
    if (Array.isArray(node) && typeof s === 'number') node = node[s] ?? node[0];
    else if (isObject(node) && typeof s === 'string') node = node[s];
    else return {};
  }
  return isObject(node) ? node : {};
}

function decode(raw: unknown, file: SourceFile, root: Path): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw === '' ? new Unknown('an empty policy', { file, path: root }) : raw;
  }
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
