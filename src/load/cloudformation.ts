/**
 * CloudFormation templates (JSON or YAML, CDK output included) → the same documents the other
 * inputs give: a bucket's ReplicationConfiguration as a ReplicationDoc with the API's member names
 * (`filePath` maps them back), roles with their trust, inline and attached policies, IAM policies
 * with the principals they attach to, table bucket policies and encryption.
 *
 * Intrinsics are resolved where the template tells the value: `Ref`/`GetAtt` to its own resources,
 * `Sub`/`Join`/`Select`/`Split`/`FindInMap`, parameters with defaults. Pseudo parameters become
 * placeholders (values.ts) that compare as "cannot tell"; a resource's generated name becomes a
 * name unique to the template, so its references link. Everything else is an Unknown.
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

/** A template: `AWSTemplateFormatVersion`, or `Resources` whose entries have an `AWS::` type. */
export function isTemplate(value: unknown): value is Obj {
  if (!isObject(value)) return false;
  if (has(value, 'AWSTemplateFormatVersion')) return true;
  const resources = value['Resources'];
  if (!isObject(resources)) return false;
  for (const r of Object.values(resources)) {
    const type = isObject(r) ? r['Type'] : undefined;
    if (typeof type === 'string' && /^(AWS|Custom)::/.test(type)) return true;
  }
  return false;
}

const PARTITION = 'aws';
/** Removes the property it is the value of. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Template member names of a ReplicationConfiguration → the API's. */
const TO_API: Readonly<Record<string, string>> = {
  Role: 'role',
  Rules: 'rules',
  Destinations: 'destinations',
  DestinationTableBucketARN: 'destinationTableBucketARN',
};
const TO_TEMPLATE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TO_API).map(([k, v]) => [v, k]),
);

interface Resource {
  id: string;
  type: string;
  properties: Obj;
  /** `Metadata."aws:cdk:path"`, else the logical id. */
  logical: string;
}

class Template {
  readonly resources = new Map<string, Resource>();
  readonly parameters: Obj;
  readonly mappings: Obj;
  /** Makes generated names unique to the file (two CDK stages share logical ids). */
  readonly token: string;
  #resolving = new Set<string>();
  readonly renderer = new Renderer('${AWS::AccountId}', '${AWS::Region}');

  constructor(
    readonly file: SourceFile,
    template: Obj,
    /** Where the template sits in the file: [] or, in a stream of YAML documents, [index]. */
    readonly base: Path,
  ) {
    this.parameters = isObject(template['Parameters']) ? template['Parameters'] : {};
    this.mappings = isObject(template['Mappings']) ? template['Mappings'] : {};
    this.token = file.name.replace(/[^A-Za-z0-9_+=,.@-]/g, '-');
    const resources = isObject(template['Resources']) ? template['Resources'] : {};
    for (const [id, r] of Object.entries(resources)) {
      if (!isObject(r) || typeof r['Type'] !== 'string') continue;
      const metadata = isObject(r['Metadata']) ? r['Metadata'] : {};
      const cdkPath = metadata['aws:cdk:path'];
      this.resources.set(id, {
        id,
        type: r['Type'],
        properties: isObject(r['Properties']) ? r['Properties'] : {},
        logical: printable(typeof cdkPath === 'string' ? cdkPath : id),
      });
    }
  }

  /** The value with every intrinsic resolved (or Unknown); `path` is where it sits in the file. */
  resolve(value: unknown, path: Path, depth = 0): unknown {
    if (depth > 64) return new Unknown('nested too deeply', { file: this.file, path });
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((v, i) => {
        const r = this.resolve(v, [...path, i], depth + 1);
        if (r !== NO_VALUE) out.push(r);
      });
      return out;
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0]!;
      if (key === 'Ref' || key.startsWith('Fn::')) return this.intrinsic(key, value[key], path, depth);
    }
    const out: Obj = {};
    for (const key of keys) {
      const r = this.resolve(value[key], [...path, key], depth + 1);
      if (r === NO_VALUE) continue;
      Object.defineProperty(out, key, { value: r, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private unknown(reason: string, path: Path): Unknown {
    return new Unknown(reason, { file: this.file, path });
  }

  private intrinsic(name: string, arg: unknown, path: Path, depth: number): unknown {
    const at = [...path, name];
    switch (name) {
      case 'Ref':
        return typeof arg === 'string' ? this.ref(arg, at) : this.unknown('!Ref of a non-string', at);
      case 'Fn::GetAtt': {
        const [id, attribute] =
          typeof arg === 'string'
            ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)]
            : Array.isArray(arg)
              ? [arg[0], this.resolve(arg[1], [...at, 1], depth + 1)]
              : [undefined, undefined];
        if (typeof id !== 'string' || typeof attribute !== 'string')
          return this.unknown('!GetAtt that names no attribute', at);
        return this.getAtt(id, attribute, at);
      }
      case 'Fn::Sub':
        return this.sub(arg, at, depth);
      case 'Fn::Join': {
        if (!Array.isArray(arg)) return this.unknown('!Join', at);
        const delimiter = this.resolve(arg[0], [...at, 0], depth + 1);
        const list = this.resolve(arg[1], [...at, 1], depth + 1);
        if (typeof delimiter !== 'string' || !Array.isArray(list)) return this.unknown('!Join', at);
        const bad = list.find((v) => typeof v !== 'string' && typeof v !== 'number');
        if (bad !== undefined) return isUnknown(bad) ? bad : this.unknown('!Join', at);
        return list.join(delimiter);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg)) return this.unknown('!Select', at);
        const index = this.resolve(arg[0], [...at, 0], depth + 1);
        const list = this.resolve(arg[1], [...at, 1], depth + 1);
        const i = typeof index === 'number' ? index : typeof index === 'string' ? Number(index) : NaN;
        return Array.isArray(list) && Number.isInteger(i) && i >= 0 && i < list.length
          ? list[i]
          : this.unknown('!Select', at);
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg)) return this.unknown('!Split', at);
        const delimiter = this.resolve(arg[0], [...at, 0], depth + 1);
        const source = this.resolve(arg[1], [...at, 1], depth + 1);
        return typeof delimiter === 'string' && delimiter !== '' && typeof source === 'string'
          ? source.split(delimiter)
          : this.unknown('!Split', at);
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg)) return this.unknown('!FindInMap', at);
        const keys = arg.slice(0, 3).map((k, i) => this.resolve(k, [...at, i], depth + 1));
        let node: unknown = this.mappings;
        for (const k of keys)
          node = typeof k === 'string' && isObject(node) && has(node, k) ? node[k] : undefined;
        return node === undefined ? this.unknown('!FindInMap', at) : this.resolve(node, at, depth + 1);
      }
      default:
        // If, ImportValue, Base64, GetAZs, Cidr, Transform, …: known only when deployed.
        return this.unknown(`!${name.replace(/^Fn::/, '')}`, at);
    }
  }

  private ref(name: string, at: Path): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return PLACEHOLDER.account;
      case 'AWS::Region':
        return PLACEHOLDER.region;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    if (name.startsWith('AWS::')) return this.unknown(`!Ref ${name}`, at);
    const parameter = this.parameters[name];
    if (isObject(parameter)) {
      if (!has(parameter, 'Default')) return this.unknown(`parameter ${name} (no default)`, at);
      const value = parameter['Default'];
      const type = parameter['Type'];
      if (typeof value === 'string' && typeof type === 'string' && /^(CommaDelimitedList|List<)/.test(type))
        return value.split(',').map((v) => v.trim());
      return typeof value === 'number' ? String(value) : value;
    }
    const r = this.resources.get(name);
    if (!r) return this.unknown(`!Ref ${name}`, at);
    switch (r.type) {
      case 'AWS::IAM::Role':
        return this.named(r, 'RoleName').name;
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::S3Tables::TableBucket':
        return this.arnOf(r);
      case 'AWS::KMS::Key':
        return this.keyId(r);
      default:
        return this.unknown(`!Ref ${name}`, at);
    }
  }

  private getAtt(id: string, attribute: string, at: Path): unknown {
    const r = this.resources.get(id);
    const known =
      r &&
      ((r.type === 'AWS::IAM::Role' && attribute === 'Arn') ||
        (r.type === 'AWS::IAM::ManagedPolicy' && attribute === 'PolicyArn') ||
        (r.type === 'AWS::S3Tables::TableBucket' && attribute === 'TableBucketARN') ||
        (r.type === 'AWS::KMS::Key' && attribute === 'Arn'));
    return known ? this.arnOf(r) : this.unknown(`!GetAtt ${id}.${attribute}`, at);
  }

  private sub(arg: unknown, at: Path, depth: number): unknown {
    const [format, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
    if (typeof format !== 'string') return this.unknown('!Sub', at);
    const values = isObject(vars) ? (this.resolve(vars, [...at, 1], depth + 1) as Obj) : {};
    let out = '';
    let from = 0;
    for (;;) {
      const open = format.indexOf('${', from);
      if (open === -1) break;
      const close = format.indexOf('}', open);
      if (close === -1) break;
      out += format.slice(from, open);
      const name = format.slice(open + 2, close);
      from = close + 1;
      // ${!Literal} is the text ${Literal}.
      if (name.startsWith('!')) {
        out += `\${${name.slice(1)}}`;
        continue;
      }
      let value: unknown;
      if (isObject(values) && has(values, name)) value = values[name];
      else {
        const dot = name.indexOf('.');
        value =
          dot !== -1 && !name.startsWith('AWS::')
            ? this.getAtt(name.slice(0, dot), name.slice(dot + 1), at)
            : this.ref(name, at);
      }
      if (typeof value === 'number') value = String(value);
      if (typeof value !== 'string') return isUnknown(value) ? value : this.unknown(`!Sub \${${name}}`, at);
      out += value;
    }
    return out + format.slice(from);
  }

  /** A property's resolved string, or a name unique to this template when it is not known. */
  named(r: Resource, property: string): { name: string; generated: boolean } {
    const key = `${r.id}\u0000${property}`;
    if (!this.#resolving.has(key)) {
      this.#resolving.add(key);
      try {
        const value = has(r.properties, property)
          ? this.resolve(r.properties[property], [...this.base, 'Resources', r.id, 'Properties', property])
          : undefined;
        if (typeof value === 'string' && value !== '') return { name: value, generated: false };
      } finally {
        this.#resolving.delete(key);
      }
    }
    return { name: r.id, generated: true };
  }

  private pathOf(r: Resource, generated: boolean): string {
    const path = r.properties['Path'];
    const base = typeof path === 'string' && path.startsWith('/') && path.endsWith('/') ? path : '/';
    return generated ? `${base}${this.token}/` : base;
  }

  arnOf(r: Resource): string {
    const arn = this.#arnOf(r);
    const attribute =
      r.type === 'AWS::IAM::ManagedPolicy'
        ? 'PolicyArn'
        : r.type === 'AWS::S3Tables::TableBucket'
          ? 'TableBucketARN'
          : 'Arn';
    // How the template writes it, for messages and fixes (to paste into a !Sub).
    this.renderer.add(arn, `\${${r.id}.${attribute}}`);
    return arn;
  }

  #arnOf(r: Resource): string {
    const account = PLACEHOLDER.account;
    switch (r.type) {
      case 'AWS::IAM::Role': {
        const { name, generated } = this.named(r, 'RoleName');
        return `arn:${PARTITION}:iam::${account}:role${this.pathOf(r, generated)}${name}`;
      }
      case 'AWS::IAM::ManagedPolicy': {
        const { name, generated } = this.named(r, 'ManagedPolicyName');
        return `arn:${PARTITION}:iam::${account}:policy${this.pathOf(r, generated)}${name}`;
      }
      case 'AWS::S3Tables::TableBucket': {
        const { name, generated } = this.named(r, 'TableBucketName');
        const bucket = generated
          ? `${this.token}-${name}`
              .toLowerCase()
              .replace(/[^a-z0-9_-]/g, '-')
              .slice(-63)
          : name;
        return `arn:${PARTITION}:s3tables:${PLACEHOLDER.region}:${account}:bucket/${bucket}`;
      }
      default:
        return `arn:${PARTITION}:kms:${PLACEHOLDER.region}:${account}:key/${this.keyId(r)}`;
    }
  }

  private keyId(r: Resource): string {
    return `${this.token}-${r.id}`;
  }
}

/** The documents of a template. */
export function cloudformation(file: SourceFile, value: Obj, base: Path = []): Doc[] {
  const t = new Template(file, value, base);
  file.render = t.renderer.render;
  const docs: Doc[] = [];
  const roles = new Map<string, RoleDoc>();
  const props = (r: Resource): Path => [...base, 'Resources', r.id, 'Properties'];
  const policy = (
    r: Resource,
    root: Path,
    type: PolicyType,
    meta: { name?: string; owner?: PolicyOwner; policyArn?: string } = {},
  ): PolicyDoc => {
    const doc: PolicyDoc = {
      kind: 'policy',
      file,
      root,
      data: t.resolve(valueAt(value, root.slice(base.length)), root),
      policyType: type,
      origin: 'cloudformation',
      logicalLocation: r.logical,
      ...meta,
    };
    return doc;
  };
  const stringOf = (r: Resource, key: string): string | undefined => {
    const v = has(r.properties, key) ? t.resolve(r.properties[key], [...props(r), key]) : undefined;
    return typeof v === 'string' ? v : undefined;
  };

  // Roles first: the policies below attach to them.
  for (const r of t.resources.values()) {
    if (r.type !== 'AWS::IAM::Role') continue;
    const name = t.named(r, 'RoleName').name;
    const arn = t.arnOf(r);
    const owner: PolicyOwner = { kind: 'role', name, arn };
    const role: RoleDoc = {
      kind: 'role',
      file,
      root: props(r),
      data: r.properties,
      name,
      arn,
      inline: [],
      attached: [],
      logicalLocation: r.logical,
    };
    if (has(r.properties, 'AssumeRolePolicyDocument'))
      role.trust = policy(r, [...props(r), 'AssumeRolePolicyDocument'], 'trust', { owner });
    list(r.properties['Policies']).forEach((p, i) => {
      if (!isObject(p)) return;
      const at = [...props(r), 'Policies', i];
      const policyName = t.resolve(p['PolicyName'], [...at, 'PolicyName']);
      role.inline.push(
        policy(r, [...at, 'PolicyDocument'], 'identity', {
          owner,
          ...(typeof policyName === 'string' ? { name: policyName } : {}),
        }),
      );
    });
    const attached = t.resolve(r.properties['ManagedPolicyArns'] ?? [], [...props(r), 'ManagedPolicyArns']);
    for (const a of Array.isArray(attached) ? attached : [attached]) {
      // An ARN not known before deployment stands for a policy whose document is not among the
      // inputs: missing grants are then not reported (link.ts: unknownAttached).
      role.attached.push(typeof a === 'string' ? a : `(${isUnknown(a) ? a.reason : 'not an ARN'})`);
    }
    if (has(r.properties, 'PermissionsBoundary')) {
      const boundary = t.resolve(r.properties['PermissionsBoundary'], [...props(r), 'PermissionsBoundary']);
      // Not known before deployment: a boundary whose document is not among the inputs (cannot be judged).
      role.boundary =
        typeof boundary === 'string' ? boundary : `(${isUnknown(boundary) ? boundary.reason : 'not an ARN'})`;
    }
    roles.set(name, role);
    docs.push(role, ...(role.trust ? [role.trust] : []), ...role.inline);
  }

  /** The role a `Roles` entry names: the template's, or one the template only refers to. */
  const roleNamed = (r: Resource, entry: unknown, at: Path): RoleDoc | undefined => {
    if (typeof entry !== 'string') return undefined;
    let role = roles.get(entry);
    if (!role) {
      role = {
        kind: 'role',
        file,
        root: at,
        data: {},
        name: entry,
        inline: [],
        attached: [],
        logicalLocation: r.logical,
      };
      roles.set(entry, role);
      docs.push(role);
    }
    return role;
  };

  for (const r of t.resources.values()) {
    const root = props(r);
    switch (r.type) {
      case 'AWS::IAM::RolePolicy': {
        // One inline policy of one role, named by RoleName.
        if (!has(r.properties, 'PolicyDocument')) break;
        const roleName = stringOf(r, 'RoleName');
        const role = roleName !== undefined ? roleNamed(r, roleName, [...root, 'RoleName']) : undefined;
        const name = stringOf(r, 'PolicyName');
        const owner: PolicyOwner | undefined = role
          ? { kind: 'role', name: roleName, ...(role.arn !== undefined ? { arn: role.arn } : {}) }
          : undefined;
        docs.push(
          policy(r, [...root, 'PolicyDocument'], 'identity', {
            ...(name !== undefined ? { name } : {}),
            ...(owner ? { owner } : {}),
          }),
        );
        break;
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy': {
        if (!has(r.properties, 'PolicyDocument')) break;
        const managed = r.type === 'AWS::IAM::ManagedPolicy';
        const name = managed ? t.named(r, 'ManagedPolicyName').name : stringOf(r, 'PolicyName');
        const docRoot = [...root, 'PolicyDocument'];
        if (managed) {
          const arn = t.arnOf(r);
          docs.push(
            policy(r, docRoot, 'identity', {
              ...(name !== undefined ? { name } : {}),
              owner: { kind: 'managed-policy', ...(name !== undefined ? { name } : {}), arn },
              policyArn: arn,
            }),
          );
          const names = t.resolve(r.properties['Roles'] ?? [], [...root, 'Roles']);
          list(names).forEach((entry, i) => roleNamed(r, entry, [...root, 'Roles', i])?.attached.push(arn));
          break;
        }
        const owners: PolicyOwner[] = [];
        for (const [key, kind] of [
          ['Roles', 'role'],
          ['Users', 'user'],
          ['Groups', 'group'],
        ] as const) {
          const names = t.resolve(r.properties[key] ?? [], [...root, key]);
          list(names).forEach((entry, i) => {
            if (typeof entry !== 'string') return;
            if (kind === 'role') {
              const role = roleNamed(r, entry, [...root, key, i]);
              owners.push({ kind, name: entry, ...(role?.arn !== undefined ? { arn: role.arn } : {}) });
            } else owners.push({ kind, name: entry });
          });
        }
        // One document per principal it attaches to (the engine dedupes the findings).
        for (const owner of owners.length > 0 ? owners : [undefined])
          docs.push(
            policy(r, docRoot, 'identity', {
              ...(name !== undefined ? { name } : {}),
              ...(owner ? { owner } : {}),
            }),
          );
        break;
      }
      case 'AWS::S3Tables::TableBucketPolicy': {
        if (!has(r.properties, 'ResourcePolicy')) break;
        const bucket = stringOf(r, 'TableBucketARN');
        docs.push(
          policy(r, [...root, 'ResourcePolicy'], 'resource', {
            owner: { kind: 'table-bucket', ...(bucket !== undefined ? { arn: bucket } : {}) },
          }),
        );
        break;
      }
      case 'AWS::S3Tables::TableBucket': {
        const arn = t.arnOf(r);
        const encryption = r.properties['EncryptionConfiguration'];
        if (isObject(encryption)) {
          const at = [...root, 'EncryptionConfiguration'];
          const e = t.resolve(encryption, at) as Obj;
          const doc: EncryptionDoc = {
            kind: 'encryption',
            file,
            root: at,
            data: e,
            tableBucketARN: arn,
            logicalLocation: r.logical,
          };
          if (typeof e['SSEAlgorithm'] === 'string') doc.sseAlgorithm = e['SSEAlgorithm'];
          if (typeof e['KMSKeyArn'] === 'string') doc.kmsKeyArn = e['KMSKeyArn'];
          docs.push(doc);
        }
        if (has(r.properties, 'ReplicationConfiguration')) docs.push(replication(t, r, arn));
        break;
      }
    }
  }
  return docs;
}

function replication(t: Template, r: Resource, arn: string): ReplicationDoc {
  const at: Path = [...t.base, 'Resources', r.id, 'Properties', 'ReplicationConfiguration'];
  const config = t.resolve(r.properties['ReplicationConfiguration'], at);
  const named = has(r.properties, 'TableBucketName');
  return {
    kind: 'replication',
    file: t.file,
    root: [...t.base, 'Resources', r.id, 'Properties'],
    // The API's names, the template's values: the replication rules and the shape check read it as a request.
    data: { tableBucketARN: arn, configuration: toApi(config) },
    level: 'bucket',
    form: 'put-request',
    sourceKey: 'tableBucketARN',
    logicalLocation: r.logical,
    filePath: (path) =>
      path[0] === 'tableBucketARN'
        ? named
          ? ['TableBucketName']
          : []
        : path[0] === 'configuration'
          ? [
              'ReplicationConfiguration',
              ...path.slice(1).map((s) => (typeof s === 'string' ? (TO_TEMPLATE[s] ?? s) : s)),
            ]
          : path,
  };
}

function toApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApi);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(out, TO_API[k] ?? k, {
      value: toApi(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

function valueAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isObject(node) && typeof segment === 'string' && has(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
