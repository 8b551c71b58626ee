/**
 * Options and the config file, resolved once into what a run does: the rules and their levels,
 * the scan globs, the bindings with absolute paths. Every problem is a one-line UsageError that
 * names the flag or the config member.
 */
import { relative, resolve } from 'node:path';
import {
  key,
  type Bindings,
  type ContextConfig,
  type LoadedConfig,
  type OrganizationConfig,
  type RoleBinding,
} from './config.js';
import { UsageError } from './errors.js';
import { globMatch, showGlob } from './load/glob.js';
import type { LinkBindings } from './link.js';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, fileProblem, toPosix } from './load/files.js';
import type { Level } from './result.js';
import type { Rule } from './rule.js';

export interface Selection {
  /** Globs over rule ids; when given, only matching rules run. */
  rule?: readonly string[];
  /** Globs over rule ids to leave out. */
  skip?: readonly string[];
}

export interface PlanOptions extends Selection {
  cwd: string;
  /** The rule set to choose from. */
  all: readonly Rule[];
  /** Every rule id the config may name (the built-in ones and `all`). */
  known: readonly Pick<Rule, 'id'>[];
  config?: LoadedConfig | undefined;
  include?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
  /** Bindings from the options (relative to cwd); the config's are relative to its directory. */
  bindings?: Bindings | undefined;
  /** `--role-policy` / `--trust-policy` files: bound to the one role the configurations name. */
  rolePolicies?: readonly string[] | undefined;
  trustPolicy?: string | undefined;
  callerPrincipal?: string | undefined;
  /** What the request contexts carry (merged over the config's `context`, key by key). */
  context?: ContextConfig | undefined;
  /** SCP and RCP levels (paths relative to cwd), added to the config's. */
  organization?: OrganizationConfig | undefined;
  /** `--source`: the source ARN of a Get...Replication output. */
  source?: string | undefined;
}

export interface Plan {
  cwd: string;
  rules: Rule[];
  /** Levels the config sets (they replace the rules' own). */
  levels: Map<string, Level>;
  include: readonly string[];
  exclude: readonly string[];
  /** Bound files, absolute: loaded as inputs even when not named. */
  boundFiles: string[];
  bindings: LinkBindings;
  config?: LoadedConfig;
  /** The config file's name as shown (relative to cwd). */
  configName: string;
}

export function plan(o: PlanOptions): Plan {
  const { cwd, config } = o;
  const configName = config ? displayName(config.path, cwd) : '';
  const { off, levels } = ruleSettings(config, o.known, configName);
  // A rule named with `rule` (--rule) runs even when the config turns it off.
  const named = (id: string): boolean => (o.rule ?? []).some((g) => globMatch(id, g, '--rule'));
  const skip = [...(o.skip ?? []), ...[...off].filter((id) => o.all.some((r) => r.id === id) && !named(id))];
  const rules = selectRules(o.all, { rule: o.rule ?? [], skip });

  const fromConfig = config ? absoluteBindings(config.config.bindings, config.dir) : {};
  const fromOptions = absoluteBindings(o.bindings, cwd);
  const onlyRole =
    (o.rolePolicies?.length ?? 0) > 0 || o.trustPolicy !== undefined
      ? {
          policies: (o.rolePolicies ?? []).map((p) => resolve(cwd, p)),
          ...(o.trustPolicy !== undefined ? { trust: resolve(cwd, o.trustPolicy) } : {}),
          flag: (o.rolePolicies?.length ?? 0) > 0 ? '--role-policy' : '--trust-policy',
        }
      : undefined;
  for (const [set, where] of [
    [fromConfig, `${configName}: `],
    [fromOptions, ''],
  ] as const) {
    for (const b of boundFiles(set)) {
      // Says what it is (a directory, a FIFO, a looping link) rather than "no such file".
      const problem = fileProblem(b.path, displayName(b.path, cwd));
      if (problem) throw new UsageError(`${where}${b.member}: ${problem}`);
    }
  }
  for (const [path, flag] of [
    ...(onlyRole?.policies ?? []).map((p) => [p, '--role-policy'] as const),
    ...(onlyRole?.trust !== undefined ? [[onlyRole.trust, '--trust-policy'] as const] : []),
  ]) {
    const problem = fileProblem(path, displayName(path, cwd));
    if (problem) throw new UsageError(`${flag}: ${problem}`);
  }
  const merged = mergeBindings(fromConfig, fromOptions);
  const bindings: LinkBindings = {
    ...(merged.caller ? { caller: merged.caller } : {}),
    ...(merged.roles
      ? {
          roles: Object.entries(merged.roles).map(([k, b]) => ({
            key: k,
            policies: b.policies ?? [],
            ...(b.trust !== undefined ? { trust: b.trust } : {}),
            ...(b.boundary !== undefined ? { boundary: b.boundary } : {}),
          })),
        }
      : {}),
    ...(onlyRole ? { onlyRole } : {}),
    ...(o.callerPrincipal !== undefined ? { callerPrincipal: o.callerPrincipal } : {}),
    ...(merged.callerBoundary !== undefined ? { callerBoundary: merged.callerBoundary } : {}),
    ...(o.source !== undefined ? { source: o.source } : {}),
  };
  const context = mergeContext(config?.config.context, o.context);
  if (context) bindings.context = context;
  const orgs = [
    ...orgLevels(config?.config.organization, config?.dir ?? cwd, ` in ${configName}`),
    ...orgLevels(o.organization, cwd, ''),
  ];
  for (const l of orgs)
    for (const [i, path] of l.policies.entries()) {
      const problem = fileProblem(path, displayName(path, cwd));
      if (problem) throw new UsageError(`${l.name}.policies[${i}]: ${problem}`);
    }
  if (orgs.length > 0) bindings.organization = orgs;
  return {
    cwd,
    rules,
    levels,
    include: o.include ?? config?.config.include ?? DEFAULT_INCLUDE,
    exclude: o.exclude ?? [...DEFAULT_EXCLUDE, ...(config?.config.exclude ?? [])],
    boundFiles: [
      ...boundFiles(merged).map((b) => b.path),
      ...orgs.flatMap((l) => l.policies),
      ...(onlyRole?.policies ?? []),
      ...(onlyRole?.trust !== undefined ? [onlyRole.trust] : []),
    ],
    bindings,
    ...(config ? { config } : {}),
    configName,
  };
}

/** Picks rules by id globs; a glob that matches no rule is a usage error (a typo would hide a check). */
export function selectRules(all: readonly Rule[], selection: Selection): Rule[] {
  // Each glob bounded and compiled once (src/load/glob.ts): `--rule '{a,b}'` × 20 is a usage error.
  const match = (id: string, globs: readonly string[], flag: string): boolean =>
    globs.some((g) => globMatch(id, g, flag));
  for (const [flag, globs] of [
    ['--rule', selection.rule ?? []],
    ['--skip', selection.skip ?? []],
  ] as const) {
    for (const glob of globs)
      if (!all.some((r) => globMatch(r.id, glob, flag)))
        throw new UsageError(`no rule matches ${showGlob(glob)}`);
  }
  return all.filter(
    (r) =>
      (!selection.rule?.length || match(r.id, selection.rule, '--rule')) &&
      !(selection.skip && match(r.id, selection.skip, '--skip')),
  );
}

/**
 * Rule ids the config turns off, and the levels it sets. A `rules` glob or a suppression's `rule`
 * that matches no rule is an error: a typo would silently do nothing.
 */
export function ruleSettings(
  loaded: LoadedConfig | undefined,
  all: readonly Pick<Rule, 'id'>[],
  name: string,
): { off: Set<string>; levels: Map<string, Level> } {
  const off = new Set<string>();
  const levels = new Map<string, Level>();
  (loaded?.config.suppressions ?? []).forEach((s, i) => {
    if (!all.some((r) => globMatch(r.id, s.rule, `${name}: suppressions[${i}].rule`)))
      throw new UsageError(`${name}: suppressions[${i}].rule matches no rule`);
  });
  for (const [glob, setting] of Object.entries(loaded?.config.rules ?? {})) {
    const ids = all.filter((r) => globMatch(r.id, glob, `${name}: rules`)).map((r) => r.id);
    if (ids.length === 0) throw new UsageError(`${name}: rules${key(glob)} matches no rule`);
    for (const id of ids) {
      // The last matching entry wins.
      off.delete(id);
      levels.delete(id);
      if (setting === 'off') off.add(id);
      else levels.set(id, setting);
    }
  }
  return { off, levels };
}

/** Bindings with every path absolute: the config's relative to its directory, the options' to cwd. */
function absoluteBindings(bindings: Bindings | undefined, base: string): Bindings {
  const abs = (p: string): string => resolve(base, p);
  const out: Bindings = {};
  if (bindings?.caller) out.caller = bindings.caller.map(abs);
  if (bindings?.callerBoundary) out.callerBoundary = abs(bindings.callerBoundary);
  if (bindings?.roles) {
    // Null prototype: a role may be named __proto__ (a valid IAM name); `{}` would drop it.
    out.roles = Object.create(null) as Record<string, RoleBinding>;
    for (const [role, b] of Object.entries(bindings.roles)) {
      out.roles[role] = {
        ...(b.policies ? { policies: b.policies.map(abs) } : {}),
        ...(b.trust ? { trust: abs(b.trust) } : {}),
        ...(b.boundary ? { boundary: abs(b.boundary) } : {}),
      };
    }
  }
  return out;
}

/** The config's context and the options', key by key (the options win). */
function mergeContext(a: ContextConfig | undefined, b: ContextConfig | undefined): ContextConfig | undefined {
  if (!a && !b) return undefined;
  const out: ContextConfig = {};
  for (const scope of ['all', 'caller', 'role'] as const) {
    const values = { ...(a?.[scope] ?? {}), ...(b?.[scope] ?? {}) };
    if (Object.keys(values).length > 0) out[scope] = values;
  }
  return out;
}

/** SCP and RCP levels with absolute policy paths and a name for messages. */
function orgLevels(
  org: OrganizationConfig | undefined,
  base: string,
  where: string,
): { kind: 'scp' | 'rcp'; accounts: string[]; policies: string[]; name: string }[] {
  return (['scps', 'rcps'] as const).flatMap((member) =>
    (org?.[member] ?? []).map((l, i) => ({
      kind: member === 'scps' ? ('scp' as const) : ('rcp' as const),
      accounts: [...l.accounts],
      policies: l.policies.map((p) => resolve(base, p)),
      name: `organization.${member}[${i}]${where}`,
    })),
  );
}

/** Every file the bindings name, each with the member that names it (for error messages). */
function boundFiles(bindings: Bindings): { path: string; member: string }[] {
  const out: { path: string; member: string }[] = [];
  (bindings.caller ?? []).forEach((path, i) => out.push({ path, member: `bindings.caller[${i}]` }));
  for (const [role, b] of Object.entries(bindings.roles ?? {})) {
    (b.policies ?? []).forEach((path, i) =>
      out.push({ path, member: `bindings.roles${key(role)}.policies[${i}]` }),
    );
    if (b.trust) out.push({ path: b.trust, member: `bindings.roles${key(role)}.trust` });
    if (b.boundary) out.push({ path: b.boundary, member: `bindings.roles${key(role)}.boundary` });
  }
  if (bindings.callerBoundary) out.push({ path: bindings.callerBoundary, member: 'bindings.callerBoundary' });
  return out;
}

/** Both sets of bindings: callers concatenated, roles merged by key (the second's trust wins). */
function mergeBindings(a: Bindings, b: Bindings): Bindings {
  const out: Bindings = {};
  const caller = [...(a.caller ?? []), ...(b.caller ?? [])];
  if (caller.length > 0) out.caller = caller;
  const callerBoundary = b.callerBoundary ?? a.callerBoundary;
  if (callerBoundary) out.callerBoundary = callerBoundary;
  const keys = new Set([...Object.keys(a.roles ?? {}), ...Object.keys(b.roles ?? {})]);
  if (keys.size > 0) {
    out.roles = Object.create(null) as Record<string, RoleBinding>; // a role may be named __proto__
    const own = (r: Record<string, RoleBinding> | undefined, k: string): RoleBinding =>
      r && Object.prototype.hasOwnProperty.call(r, k) ? (r[k] as RoleBinding) : {};
    for (const k of keys) {
      const x = own(a.roles, k);
      const y = own(b.roles, k);
      const policies = [...(x.policies ?? []), ...(y.policies ?? [])];
      const trust = y.trust ?? x.trust;
      const boundary = y.boundary ?? x.boundary;
      out.roles[k] = {
        ...(policies.length > 0 ? { policies } : {}),
        ...(trust ? { trust } : {}),
        ...(boundary ? { boundary } : {}),
      };
    }
  }
  return out;
}

export const displayName = (path: string, cwd: string): string => toPosix(relative(cwd, path)) || path;
