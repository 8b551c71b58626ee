/**
 * `s3tables-lint init`: finds the setups in a tree by content and proposes the config bindings
 * that make every run check them whole. A replication configuration names its role; bare policy
 * files near it (its folder) are the caller's policy (it allows Put...Replication or iam:PassRole),
 * the role's permissions (it allows reading or writing table data) or the role's trust policy.
 * Documents that link by themselves (get-role output, get-role-policy output, bucket policies naming
 * their bucket) need no binding and are only reported. Pure: the CLI writes the file.
 */
import { dirname, relative, resolve } from 'node:path';
import type { Bindings, Config } from './config.js';
import { statementsOf } from './iam/policy.js';
import { matchAction } from './iam/wildcard.js';
import { link } from './link.js';
import type { Documents, PolicyDoc } from './model.js';

export interface InitPlan {
  config: Config;
  /** One line per decision: what is bound (or linked, or left out) and why. */
  reasons: string[];
  /** Setups found (replication configurations). */
  setups: number;
}

const CALLER_ACTIONS = ['s3tables:PutTableReplication', 's3tables:PutTableBucketReplication', 'iam:PassRole'];
const ROLE_ACTIONS = [
  's3tables:GetTableData',
  's3tables:PutTableData',
  's3tables:UpdateTableMetadataLocation',
];

/** The actions of `wanted` an Allow statement of the policy grants (by name or wildcard). */
function allows(policy: PolicyDoc, wanted: readonly string[]): string[] {
  const found = new Set<string>();
  for (const s of statementsOf(policy)) {
    if (s.effect !== 'Allow' || s.notAction) continue;
    for (const w of wanted) if ((s.action ?? []).some((a) => matchAction(a.value, w))) found.add(w);
  }
  return [...found];
}

const dirOf = (file: string): string => dirname(file);

export function initPlan(docs: Documents, cwd: string): InitPlan {
  const model = link(docs, {}, cwd);
  const reasons: string[] = [];
  const shown = (file: string): string => relative(cwd, resolve(cwd, file)).split('\\').join('/');
  const caller = new Set<string>();
  const roles: Record<string, { policies: string[]; trust?: string }> = Object.create(null) as Record<
    string,
    { policies: string[]; trust?: string }
  >;
  const used = new Set<PolicyDoc>();

  // Bare policies by folder: the candidates for the setups in that folder.
  const bare = new Map<string, PolicyDoc[]>();
  for (const p of model.policies) {
    if (p.origin !== 'bare' || p.owner !== undefined) continue;
    const list = bare.get(dirOf(p.file.name)) ?? [];
    list.push(p);
    bare.set(dirOf(p.file.name), list);
  }
  // Folders whose configurations name different roles: a bare role policy there is ambiguous.
  const rolesByDir = new Map<string, Set<string>>();
  for (const s of model.setups) {
    if (!s.role) continue;
    const set = rolesByDir.get(dirOf(s.doc.file.name)) ?? new Set<string>();
    rolesByDir.set(dirOf(s.doc.file.name), set.add(s.role.arn));
  }

  for (const s of model.setups) {
    const file = shown(s.doc.file.name);
    if (!s.role) {
      reasons.push(`${file}: no valid configuration.role: nothing to bind (role-arn reports it)`);
      continue;
    }
    const dir = dirOf(s.doc.file.name);
    const role = s.role;
    reasons.push(`${file}: a replication configuration of role ${role.arn}`);
    for (const d of role.docs)
      reasons.push(
        `  linked by itself: ${shown(d.file.name)} (the role as get-role or authorization details describe it)`,
      );
    for (const p of role.policies)
      reasons.push(`  linked by itself: ${shown(p.file.name)} (a permissions policy that names the role)`);
    for (const d of s.destinations)
      for (const p of d.policies)
        reasons.push(
          `  linked by itself: ${shown(p.file.name)} (a table bucket policy naming ${d.bucket.name})`,
        );
    const ambiguous = (rolesByDir.get(dir)?.size ?? 0) > 1;
    for (const p of bare.get(dir) ?? []) {
      const name = shown(p.file.name);
      if (p.policyType === 'trust') {
        if (role.trust.length > 0 || used.has(p)) continue;
        if (ambiguous) {
          reasons.push(
            `  not bound: ${name} (a trust policy, but this folder's configurations name several roles)`,
          );
          continue;
        }
        (roles[role.arn] ??= { policies: [] }).trust = name;
        used.add(p);
        reasons.push(
          `  bindings.roles["${role.arn}"].trust: ${name} (a trust policy for a service principal, in the folder of ${file})`,
        );
        continue;
      }
      if (p.policyType !== 'identity') continue;
      const asCaller = allows(p, CALLER_ACTIONS);
      if (asCaller.length > 0) {
        if (!caller.has(name))
          reasons.push(
            `  bindings.caller: ${name} (allows ${asCaller.join(', ')}: the principal that calls Put...Replication)`,
          );
        caller.add(name);
        used.add(p);
        continue;
      }
      const asRole = allows(p, ROLE_ACTIONS);
      if (asRole.length === 0 || role.policies.length > 0 || used.has(p)) continue;
      if (ambiguous) {
        reasons.push(
          `  not bound: ${name} (a role's permissions, but this folder's configurations name several roles)`,
        );
        continue;
      }
      (roles[role.arn] ??= { policies: [] }).policies.push(name);
      used.add(p);
      reasons.push(
        `  bindings.roles["${role.arn}"].policies: ${name} (allows ${asRole.join(', ')}: the replication role's permissions, in the folder of ${file})`,
      );
    }
  }
  for (const [dir, list] of bare) {
    for (const p of list) {
      if (used.has(p) || p.policyType === 'resource') continue;
      const near = model.setups.some((s) => dirOf(s.doc.file.name) === dir);
      reasons.push(
        `not bound: ${shown(p.file.name)} (${near ? 'no sign of whose policy it is' : 'no replication configuration in its folder'}; bind it by hand if it belongs to a setup)`,
      );
    }
  }
  if (caller.size > 0 && new Set([...caller].map(dirOf)).size > 1)
    reasons.push(
      'note: the config has one caller, so the caller policies of every folder are checked together; split the run (one config per folder) if different principals set up replication',
    );

  const bindings: Bindings = {};
  if (caller.size > 0) bindings.caller = [...caller];
  const roleEntries = Object.entries(roles);
  if (roleEntries.length > 0)
    bindings.roles = Object.fromEntries(
      roleEntries.map(([arn, b]) => [
        arn,
        {
          ...(b.policies.length > 0 ? { policies: b.policies } : {}),
          ...(b.trust ? { trust: b.trust } : {}),
        },
      ]),
    );
  const config: Config = Object.keys(bindings).length > 0 ? { bindings } : {};
  return { config, reasons, setups: model.setups.length };
}
