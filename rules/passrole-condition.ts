import { evaluate, type Evaluation } from '../src/iam/evaluate.js';
import { normalize, statementsOf, type Statement } from '../src/iam/policy.js';
import { operatorMismatch } from '../src/iam/keytypes.js';
import { matchAction } from '../src/iam/wildcard.js';
import type { PolicyDoc, RoleRef, Setup } from '../src/model.js';
import { REPLICATION_SERVICE, statementFor, type Grant } from '../src/replication/catalogue.js';
import { callsOf, requestFor, type CallContext } from '../src/replication/context.js';
import { explainLines } from '../src/replication/gaps.js';
import { noReplication } from '../src/replication/missing.js';
import { defineRule, rulePage } from '../src/rule.js';

/**
 * Services to try passing the role to: well-known ones, and one no policy names (a condition that
 * only lists what it refuses lets it through). The policy's own values are tried too.
 */
const PROBES = [
  'ec2.amazonaws.com',
  'lambda.amazonaws.com',
  // S3 Tables' own other service principal: a `*.s3tables.amazonaws.com` pattern lets the role go to it.
  'maintenance.s3tables.amazonaws.com',
  's3tables-lint-probe.amazonaws.com',
];

/** iam:PassRole of the role to one service, in the caller's context (its principal, the source Region). */
function pass(
  policies: readonly PolicyDoc[],
  role: RoleRef,
  call: CallContext,
  setup: Setup,
  service?: string,
): { e: Evaluation; request: ReturnType<typeof requestFor> } {
  const request = requestFor(call, 'iam:PassRole', role.arn, {
    ...(setup.source ? { region: setup.source.bucket.region } : {}),
    ...(service !== undefined ? { context: { 'iam:PassedToService': service } } : {}),
  });
  return { e: evaluate(policies, request), request };
}

/**
 * Other services the policy's own iam:PassedToService values name or match (a StringLike pattern
 * is tried with its wildcards filled in), so that a condition is judged by what it lets through.
 */
function probesOf(policy: PolicyDoc): string[] {
  const out = new Set(PROBES);
  for (const s of statementsOf(policy))
    for (const c of s.condition ?? [])
      if (c.key.toLowerCase() === 'iam:passedtoservice')
        for (const v of c.values) {
          const filled = v.value.replace(/\*/g, 'x').replace(/\?/g, 'x');
          for (const candidate of [v.value, filled])
            if (candidate !== REPLICATION_SERVICE) out.add(candidate);
        }
  return [...out];
}

export default defineRule({
  id: 'passrole-condition',
  description:
    'A policy that allows iam:PassRole of the replication role must limit iam:PassedToService to replication.s3tables.amazonaws.com.',
  level: 'error',
  helpUri: rulePage('passrole-condition'),
  tags: ['security', 'iam', 'replication', 'least-privilege'],
  securitySeverity: 8.0,
  seeAlso: ['PASS_ROLE_WITH_STAR_IN_RESOURCE'],
  check({ model, report, skip }) {
    const none = noReplication(model);
    if (none) skip(none);
    const roles: { role: RoleRef; dir: string; setup: Setup; call: CallContext }[] = [];
    for (const setup of model.setups) {
      if (setup.role)
        roles.push({
          role: setup.role,
          dir: dirOf(setup.doc.file.name),
          setup,
          call: callsOf(model, setup).caller,
        });
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
    // With the caller known, caller-permissions reports a missing PassRole; without, say so.
    if (graded.length === 0 && !model.caller)
      skip(
        "no policy among the inputs allows iam:PassRole of the replication role (--caller-policy FILE, --caller NAME, or bindings.caller in .s3tables-lint.json): the caller's PassRole condition was not checked",
      );
    for (const policy of graded) {
      // Against the roles of the configurations in its own folder, if any (one setup per folder).
      const near = byDir.get(dirOf(policy.file.name)) ?? [];
      const against = new Map((near.length > 0 ? near : roles).map((r) => [r.role.arn, r]));
      for (const { role, setup, call } of against.values()) {
        const grant: Grant = {
          sid: 'PassReplicationRole',
          actions: ['iam:PassRole'],
          resource: role.arn,
          condition: { StringEquals: { 'iam:PassedToService': REPLICATION_SERVICE } },
        };
        const { e: forReplication, request } = pass([policy], role, call, setup, REPLICATION_SERVICE);
        if (forReplication.decision === 'allowed') {
          // Unconstrained when some other service could be passed the role, whatever the wording.
          let other: { e: Evaluation; service: string; request: ReturnType<typeof requestFor> } | undefined;
          for (const service of probesOf(policy)) {
            // With the caller known, its other policies count (a guardrail Deny elsewhere constrains it).
            const r = pass(
              model.caller ? unique([policy, ...model.caller.policies]) : [policy],
              role,
              call,
              setup,
              service,
            );
            if (r.e.decision === 'allowed') {
              other = { ...r, service };
              break;
            }
          }
          if (!other) continue;
          const forOther = other.e;
          for (const s of forOther.allowedBy.filter((a) => a.policy === policy)) {
            const message = `${grantKind(s, role)} to services other than ${REPLICATION_SERVICE} (${other.service}, for one): limit iam:PassRole with an iam:PassedToService condition that allows only ${REPLICATION_SERVICE}`;
            // A wildcard statement reads the same for every role: report it once.
            const seen = reported.get(s) ?? new Set<string>();
            if (seen.has(message)) continue;
            reported.set(s, seen.add(message));
            report({
              doc: s.policy,
              path: s.path,
              message,
              fix: {
                description: 'grant iam:PassRole in a statement of its own, like this',
                value: statementFor(grant),
              },
              explain: explainLines(
                forOther,
                `iam:PassRole of ${role.arn} to ${other.service}`,
                other.request,
              ),
            });
          }
        } else if (forReplication.decision === 'implicit-deny' && model.caller) {
          // Allowed for some service, but not this one: the condition names another service. Only
          // for the caller's own policies: another principal's policy may rightly pass roles elsewhere.
          const { e: unconditioned } = pass([policy], role, call, setup);
          for (const t of unconditioned.trace) {
            if (t.outcome !== 'conditional' || t.statement.effect !== 'Allow') continue;
            for (const c of t.statement.condition ?? []) {
              if (c.key.toLowerCase() !== 'iam:passedtoservice') continue;
              const values = c.values.map((v) => v.value);
              const explain = explainLines(
                forReplication,
                `iam:PassRole of ${role.arn} to ${REPLICATION_SERVICE}`,
                request,
              );
              // The value is there, the operator cannot compare it: change the operator, not the values.
              const mismatch = operatorMismatch(c.operator, c.key);
              if (mismatch || values.includes(REPLICATION_SERVICE)) {
                const plain = /ForAllValues:|ForAnyValue:/.test(c.operator)
                  ? c.operator.replace(/:.*/, ':StringEquals')
                  : 'StringEquals';
                report({
                  doc: t.statement.policy,
                  path: [...c.path.slice(0, -1)],
                  message: `"${c.operator}" ${mismatch ? `compares ${mismatch.family} values and ${c.key} is a ${mismatch.type} key` : 'does not match'}: the condition does not hold for ${REPLICATION_SERVICE}${values.includes(REPLICATION_SERVICE) ? ' although it lists it' : ''}, so Put...Replication is denied; change the operator to ${plain}`,
                  fix: {
                    description: 'the condition operator',
                    value: { [plain]: { [c.key]: values.length === 1 ? values[0] : values } },
                  },
                  explain,
                });
                continue;
              }
              report({
                doc: t.statement.policy,
                path: c.path,
                message: `iam:PassRole of ${role.name} is allowed only when passed to ${values.join(', ') || 'no service'}, so Put...Replication, which passes it to ${REPLICATION_SERVICE}, is denied: add that value`,
                fix: {
                  description: `the values of ${c.operator} ${c.key}`,
                  value: [...values, REPLICATION_SERVICE],
                },
                explain,
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

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

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
