import { evaluate } from '../src/iam/evaluate.js';
import { normalize, type Statement } from '../src/iam/policy.js';
import { matchAction } from '../src/iam/wildcard.js';
import type { RoleRef } from '../src/model.js';
import type { PolicyDoc } from '../src/model.js';
import { PAGES, REPLICATION_SERVICE, statementFor, type Grant } from '../src/replication/catalogue.js';
import { explainLines } from '../src/replication/gaps.js';
import { defineRule } from '../src/rule.js';

/** Any other service: a grant that lets the role go to it lets the role go anywhere. */
const OTHER_SERVICE = 'ec2.amazonaws.com';

const pass = (policy: PolicyDoc, role: RoleRef, service?: string) =>
  evaluate([policy], {
    action: 'iam:PassRole',
    resource: role.arn,
    ...(service !== undefined ? { context: { 'iam:PassedToService': service } } : {}),
  });

export default defineRule({
  id: 'passrole-condition',
  description:
    'A policy that allows iam:PassRole of the replication role must limit iam:PassedToService to replication.s3tables.amazonaws.com.',
  level: 'error',
  helpUri: PAGES.passRole,
  seeAlso: ['PASS_ROLE_WITH_STAR_IN_RESOURCE'],
  check({ model, report }) {
    const roles: { role: RoleRef; dir: string }[] = [];
    for (const { doc, role } of model.setups) {
      if (role) roles.push({ role, dir: dirOf(doc.file.name) });
    }
    if (roles.length === 0) return;
    const byDir = new Map<string, typeof roles>();
    for (const r of roles) byDir.set(r.dir, [...(byDir.get(r.dir) ?? []), r]);
    const reported = new Map<Statement, Set<string>>();
    // Each policy is graded on its own: the statement to change is in it. With the caller known,
    // only its policies: another principal may rightly pass the role elsewhere.
    const graded = (
      model.caller?.policies ?? model.policies.filter((p) => p.policyType === 'identity')
    ).filter(mayAllowPassRole);
    for (const policy of graded) {
      // Against the roles of the configurations in its own folder, if any (one setup per folder).
      const near = byDir.get(dirOf(policy.file.name)) ?? [];
      const against = new Map((near.length > 0 ? near : roles).map((r) => [r.role.arn, r.role]));
      for (const role of against.values()) {
        const grant: Grant = {
          sid: 'PassReplicationRole',
          actions: ['iam:PassRole'],
          resource: role.arn,
          condition: { StringEquals: { 'iam:PassedToService': REPLICATION_SERVICE } },
        };
        const forReplication = pass(policy, role, REPLICATION_SERVICE);
        if (forReplication.decision === 'allowed') {
          const forOther = pass(policy, role, OTHER_SERVICE);
          if (forOther.decision !== 'allowed') continue;
          for (const s of forOther.allowedBy) {
            const message = `${grantKind(s, role)} to any service, not only to ${REPLICATION_SERVICE}: limit iam:PassRole with an iam:PassedToService condition`;
            // A wildcard statement reads the same for every role: report it once.
            const seen = reported.get(s) ?? new Set<string>();
            if (seen.has(message)) continue;
            reported.set(s, seen.add(message));
            report({
              doc: s.policy,
              path: s.path,
              level: 'warning',
              message,
              fix: {
                description: 'grant iam:PassRole in a statement of its own, like this',
                value: statementFor(grant),
              },
              explain: explainLines(forOther, `iam:PassRole of ${role.arn} to ${OTHER_SERVICE}`),
            });
          }
        } else if (forReplication.decision === 'implicit-deny') {
          // Allowed for some service, but not this one: the condition names another service.
          for (const t of pass(policy, role).trace) {
            if (t.outcome !== 'conditional' || t.statement.effect !== 'Allow') continue;
            for (const c of t.statement.condition ?? []) {
              if (c.key.toLowerCase() !== 'iam:passedtoservice') continue;
              const values = c.values.map((v) => v.value);
              report({
                doc: t.statement.policy,
                path: c.path,
                message: `iam:PassRole of ${role.name} is allowed only when passed to ${values.join(', ') || 'no service'}, so Put...Replication, which passes it to ${REPLICATION_SERVICE}, is denied: add that value`,
                fix: {
                  description: `the values of ${c.operator} ${c.key}`,
                  value: [...values, REPLICATION_SERVICE],
                },
                explain: explainLines(
                  forReplication,
                  `iam:PassRole of ${role.arn} to ${REPLICATION_SERVICE}`,
                ),
              });
            }
          }
        }
      }
    }
  },
});

/**
 * A cheap pre-filter (most policies of an account never mention PassRole): can any Allow match it?
 * Normalised without the cache: 10,000 policies that fail it should not stay in memory as statements.
 */
const mayAllowPassRole = (policy: PolicyDoc): boolean =>
  normalize(policy).some(
    (s) =>
      s.effect === 'Allow' &&
      (s.notAction
        ? !s.notAction.some((a) => matchAction(a.value, 'iam:PassRole'))
        : (s.action ?? []).some((a) => matchAction(a.value, 'iam:PassRole'))),
  );

const dirOf = (name: string): string => name.slice(0, name.lastIndexOf('/') + 1);

/** How the statement grants PassRole, for the message. */
function grantKind(s: Statement, role: RoleRef): string {
  if (s.notAction)
    return 'this statement grants iam:PassRole through NotAction: any role it covers can be passed';
  if (s.notResource)
    return `this statement grants iam:PassRole through NotResource: ${role.name} and other roles can be passed`;
  const resources = (s.resource ?? []).map((r) => r.value);
  return resources.some((r) => r.includes('*') || r.includes('?'))
    ? `this statement lets any role matching ${resources.join(', ')} be passed`
    : `this statement lets ${role.name} be passed`;
}
