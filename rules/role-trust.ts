import { evaluateCondition, type KeyValue } from '../src/iam/conditions.js';
import { evaluate, keyState, type Request } from '../src/iam/evaluate.js';
import { statementsOf, type ConditionEntry, type Statement } from '../src/iam/policy.js';
import {
  isComplete,
  PAGES,
  REPLICATION_SERVICE,
  trustCondition,
  trustStatement,
} from '../src/replication/catalogue.js';
import { callsOf, requestFor } from '../src/replication/context.js';
import { explainLines, STATEMENT } from '../src/replication/gaps.js';
import { noReplication, noTrust, pathMismatch } from '../src/replication/missing.js';
import { matchAction } from '../src/iam/wildcard.js';
import type { PolicyDoc } from '../src/model.js';
import { defineRule, rulePage, type Path, type RuleContext } from '../src/rule.js';

/** The condition entry that fails on what the service is known to send or not send (to point at it). */
function failingCondition(s: Statement, request: Request): Path | undefined {
  const lookup = (key: string): string | null | undefined => {
    const k = keyState(request, key);
    return k.state === 'value'
      ? typeof k.value === 'string'
        ? k.value
        : null
      : k.state === 'absent'
        ? null
        : undefined;
  };
  for (const c of s.condition ?? []) {
    const k = keyState(request, c.key);
    const value: KeyValue =
      k.state === 'value'
        ? { present: true, value: k.value ?? '' }
        : k.state === 'absent'
          ? { present: false }
          : 'unknown';
    if (evaluateCondition(c, value, lookup) === false) return c.path;
  }
  return undefined;
}

/**
 * A positive condition on aws:SourceArn none of whose values can name an ARN with these first
 * fields (partition, service, Region, account); fields with a wildcard or a variable may match.
 */
function impossibleSourceArn(s: Statement, fields: readonly string[]): ConditionEntry | undefined {
  for (const c of s.condition ?? []) {
    if (c.key.toLowerCase() !== 'aws:sourcearn') continue;
    if (!/^(StringEquals|StringLike|ArnEquals|ArnLike)$/.test(c.operator)) continue;
    const impossible = c.values.every((v) => {
      const parts = v.value.split(':');
      if (parts[0] !== 'arn' || parts.length < 6) return false;
      return fields.some((f, i) => {
        const part = parts[i + 1] ?? '';
        return !/[*?$]/.test(part) && part !== f;
      });
    });
    if (impossible && c.values.length > 0) return c;
  }
  return undefined;
}

/**
 * An unconditioned Allow of sts:AssumeRole to Principal "*" (or AWS "*"): anyone, in any account,
 * may assume the role and act with its permissions. Whatever else the trust policy says.
 */
function wildcard(trust: PolicyDoc, role: string, report: RuleContext['report']): void {
  for (const s of statementsOf(trust)) {
    if (s.effect !== 'Allow' || !s.principal?.any || (s.condition ?? []).length > 0) continue;
    if (!(s.action ?? []).some((a) => matchAction(a.value, 'sts:AssumeRole'))) continue;
    report({
      doc: trust,
      path: s.principal.path,
      level: 'warning',
      message: `any AWS principal may assume role ${role} (Principal "*" without a condition); trust only ${REPLICATION_SERVICE}`,
      key: 'wildcard-principal',
      fix: { description: 'the Principal', value: { Service: REPLICATION_SERVICE } },
    });
  }
}

/** Principals people put instead (Terraform's tests use s3.amazonaws.com): named in the hint. */
const LOOKALIKES = ['s3.amazonaws.com', 's3tables.amazonaws.com'];
const CONFUSED_DEPUTY_KEYS = ['aws:sourceaccount', 'aws:sourcearn'];

export default defineRule({
  id: 'role-trust',
  description:
    'The replication role must trust replication.s3tables.amazonaws.com to assume it (sts:AssumeRole).',
  level: 'error',
  helpUri: rulePage('role-trust'),
  tags: ['security', 'iam', 'replication', 'trust'],
  securitySeverity: 7.5,
  seeAlso: [PAGES.confusedDeputy],
  check({ model, report, skip }) {
    const none = noReplication(model);
    if (none) skip(none);
    for (const l of model.setups) {
      if (!l.role) continue; // role-arn reports it
      const trusts = l.role.trust;
      if (trusts.length === 0) {
        skip(l.role.otherPaths.length > 0 ? pathMismatch(l.role, l.role.otherPaths) : noTrust(l.role));
        continue;
      }
      const complete = isComplete(l) ? l : undefined;
      const fixStatement = complete
        ? trustStatement(complete)
        : { Effect: 'Allow', Principal: { Service: REPLICATION_SERVICE }, Action: 'sts:AssumeRole' };
      const request = requestFor(callsOf(model, l).service, 'sts:AssumeRole', l.role.arn);
      for (const trust of trusts) {
        wildcard(trust, l.role.arn, report);
        const e = evaluate([trust], request);
        const explain = explainLines(e, `sts:AssumeRole of ${l.role.arn} by ${REPLICATION_SERVICE}`, request);
        const source = complete ? ` for source ${complete.source.arn}` : '';
        if (e.decision === 'conditional' && complete?.source.level === 'table') {
          // Table level: aws:SourceArn's exact form is undocumented, but it is an S3 Tables ARN of
          // the source's partition, Region and account. A value that names others cannot match.
          const bucket = complete.source.bucket;
          const maybe = e.trace.filter((t) => t.outcome === 'conditional' && t.statement.effect === 'Allow');
          if (e.allowedBy.every((a) => maybe.some((t) => t.statement === a)))
            for (const t of maybe) {
              const c = impossibleSourceArn(t.statement, [
                bucket.partition,
                's3tables',
                bucket.region,
                bucket.account,
              ]);
              if (!c) continue;
              report({
                doc: trust,
                path: c.path,
                message: `this condition cannot hold when ${REPLICATION_SERVICE} assumes the role${source}: for table-level replication aws:SourceArn is an ARN of the source's partition, service, Region and account (arn:${bucket.partition}:s3tables:${bucket.region}:${bucket.account}:...), and no value here names them; fix or remove it`,
                fix: { description: 'a statement that works', value: fixStatement },
                explain,
              });
            }
          continue;
        }
        if (e.decision === 'allowed') {
          // Only bucket level: there the values the service sends are known (AWS's CDK stacks use them).
          if (complete?.source.level !== 'bucket') continue;
          const s = e.allowedBy[0];
          if (
            !s ||
            e.allowedBy.some((a) =>
              (a.condition ?? []).some((c) => CONFUSED_DEPUTY_KEYS.includes(c.key.toLowerCase())),
            )
          )
            continue;
          report({
            doc: trust,
            path: s.path,
            level: 'note',
            message: `the trust policy lets ${REPLICATION_SERVICE} assume the role on behalf of any account; consider limiting it with aws:SourceAccount and aws:SourceArn (the source table bucket)`,
            fix: { description: 'add to this statement', value: { Condition: trustCondition(complete) } },
          });
        } else if (e.decision === 'explicit-deny') {
          for (const s of e.deniedBy) {
            report({
              doc: trust,
              path: s.path,
              message: `this Deny stops ${REPLICATION_SERVICE} from assuming the role${source}; remove it or narrow it`,
              fix: { description: 'the trust policy needs this statement, not denied', value: fixStatement },
              explain,
            });
          }
        } else if (e.decision === 'implicit-deny') {
          // A statement that trusts the service but whose condition cannot hold for it.
          const failing = e.trace.filter(
            (t) =>
              t.outcome === 'no-match' &&
              t.statement.effect === 'Allow' &&
              (t.statement.principal?.entries ?? []).some((p) => p.item.value === REPLICATION_SERVICE) &&
              (t.statement.condition ?? []).length > 0,
          );
          if (failing.length > 0) {
            for (const t of failing) {
              report({
                doc: trust,
                path: failingCondition(t.statement, request) ?? [...t.statement.path, 'Condition'],
                message: `this condition cannot hold when ${REPLICATION_SERVICE} assumes the role${source} (${t.why}); fix or remove it`,
                fix: { description: 'a statement that works', value: fixStatement },
                explain,
              });
            }
            continue;
          }
          const lookalike = statementsOf(trust)
            .filter((s) => s.effect === 'Allow')
            .flatMap((s) => s.principal?.entries ?? [])
            .find((p) => p.type === 'Service' && LOOKALIKES.includes(p.item.value.toLowerCase()));
          if (lookalike) {
            report({
              doc: trust,
              path: lookalike.item.path,
              message: `the role trusts ${lookalike.item.value}, but S3 Tables replication assumes it as ${REPLICATION_SERVICE}; replace the principal`,
              fix: { description: 'the Service principal', value: REPLICATION_SERVICE },
              explain,
            });
            continue;
          }
          report({
            doc: trust,
            path: STATEMENT,
            message: `the trust policy does not let ${REPLICATION_SERVICE} assume the role (sts:AssumeRole); add the statement`,
            fix: { description: `add to the Statement array of ${trust.file.name}`, value: fixStatement },
            explain,
          });
        }
      }
    }
  },
});
