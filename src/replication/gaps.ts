/**
 * Gaps between what a principal's policies allow and what replication needs, and how to report
 * them: a missing grant on the policy to change, a blocking Deny where it is.
 */
import { evaluate, type Evaluation, type Request } from '../iam/evaluate.js';
import { statementsOf, type Statement } from '../iam/policy.js';
import type { Path, PolicyDoc } from '../model.js';
import type { Level, RuleContext } from '../rule.js';
import { statementFor, type Grant } from './catalogue.js';
import { describeKeys } from './context.js';

export interface Gap {
  grant: Grant;
  /** Actions no statement allows. */
  missing: string[];
  /** Actions an explicit Deny blocks, with the deciding Deny statements. */
  denied: { action: string; by: Statement[] }[];
  /** --explain lines for the actions that are not allowed. */
  explain: string[];
  /** Allow statements that match a missing action but whose Condition fails, with why. */
  conditionFailed: { statement: Statement; why: string }[];
}

/** The request of one action of a grant (with the call's context: replication/context.ts). */
export type RequestOf = (grant: Grant, action: string) => Request;

/** A request with no context but what the grant carries (everything else unknown). */
export const bareRequest: RequestOf = (grant, action) => ({
  action,
  resource: grant.resource,
  ...(grant.context ? { context: grant.context } : {}),
});

/** Which actions of each grant the policies do not allow; 'conditional' counts as allowed (cannot tell). */
export function gaps(
  policies: readonly PolicyDoc[],
  grants: readonly Grant[],
  requestOf: RequestOf = bareRequest,
): Gap[] {
  const out: Gap[] = [];
  for (const grant of grants) {
    const gap: Gap = { grant, missing: [], denied: [], explain: [], conditionFailed: [] };
    for (const action of grant.actions) {
      const request = requestOf(grant, action);
      const e = evaluate(policies, request);
      if (e.decision === 'allowed' || e.decision === 'conditional') continue;
      if (e.decision === 'explicit-deny') gap.denied.push({ action, by: e.deniedBy });
      else {
        gap.missing.push(action);
        for (const t of e.trace)
          if (t.statement.effect === 'Allow' && t.outcome === 'no-match' && t.why.startsWith('Condition')) {
            const keys = describeKeys(
              request,
              (t.statement.condition ?? []).map((c) => c.key),
            );
            const why = `${t.why} (${keys.join('; ')})`;
            if (!gap.conditionFailed.some((c) => c.statement === t.statement))
              gap.conditionFailed.push({ statement: t.statement, why });
          }
      }
      gap.explain.push(...explainLines(e, `${action} on ${grant.resource}`, request));
    }
    if (gap.missing.length > 0 || gap.denied.length > 0) out.push(gap);
  }
  return out;
}

/** A statement's place, for messages: `role-policy.json Statement[2] (Sid ReadSource)`. */
export function where(s: Statement): string {
  return `${s.policy.file.name} ${pathText([...s.policy.root, ...s.path])}${s.sid !== undefined ? ` (Sid ${s.sid})` : ''}`;
}

export function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

/**
 * The trace of one evaluation as --explain lines; with the request, each statement's condition
 * keys and their states (known value, absent, unknown) follow it.
 */
/** Statements an explanation lists; a policy of thousands would repeat them into every finding. */
export const EXPLAIN_LIMIT = 50;

export function explainLines(e: Evaluation, what: string, request?: Request): string[] {
  const lines = [`${what}: ${e.decision}`];
  if (e.trace.length === 0) lines.push('  no statement in the policies considered');
  // Past the limit, the statements that decided (allow, deny, conditional) are kept first; the
  // lines stay in the policies' order.
  const shown =
    e.trace.length <= EXPLAIN_LIMIT
      ? e.trace
      : [...e.trace.entries()]
          .sort(
            ([i, a], [j, b]) => Number(a.outcome === 'no-match') - Number(b.outcome === 'no-match') || i - j,
          )
          .slice(0, EXPLAIN_LIMIT)
          .sort(([i], [j]) => i - j)
          .map(([, t]) => t);
  for (const t of shown) {
    lines.push(`  ${where(t.statement)}: ${t.outcome}: ${t.why}`);
    const keys = (t.statement.condition ?? []).map((c) => c.key);
    // Only where the conditions decided: the statement matched otherwise, or a condition failed.
    if (request && keys.length > 0 && (t.outcome !== 'no-match' || t.why.startsWith('Condition')))
      lines.push(`    keys: ${describeKeys(request, keys).join('; ')}`);
  }
  if (e.trace.length > shown.length)
    lines.push(`  … and ${e.trace.length - shown.length} more statements (not listed)`);
  return lines;
}

/** The document to add a missing grant to: the first one the user owns (not an AWS or customer managed policy). */
export const targetOf = (policies: readonly PolicyDoc[]): PolicyDoc | undefined =>
  policies.find((p) => p.policyArn === undefined && p.origin !== 'get-policy-version') ?? policies[0];

/** Path of the `Statement` element (where a missing statement goes). */
export const STATEMENT: Path = ['Statement'];

export const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

export interface GapReport {
  /** Who lacks the permission, for messages: 'the caller', 'role S3TablesReplicationRole'. */
  who: string;
  /** Where the missing statement goes. */
  target: PolicyDoc;
  level?: Level;
  /** For resource policies: the principal the pasted statement names. */
  principal?: string;
  /** Appended to messages, e.g. ' (the S3 User Guide asks for it)'. */
  because?: string;
  /** Describes a grant's resource for messages (e.g. naming a destination). */
  describe?: (grant: Grant) => string;
  /**
   * A guardrail layer (`the permissions boundary of role R`, `the SCPs of organization.scps[0]`):
   * messages name it, and one finding per Deny statement lists every call it stops.
   */
  layer?: string;
}

/** Reports each gap: a missing grant on the target's Statement element, a blocking Deny at the Deny. */
export function reportGaps(ctx: Pick<RuleContext, 'report'>, found: readonly Gap[], o: GapReport): void {
  reportDenies(ctx, found, o);
  const on = o.describe ?? ((g: Grant) => g.resource);
  const sids = new Set(statementsOf(o.target).map((s) => s.sid));
  const into = `the Statement array of ${o.target.name !== undefined ? `policy ${o.target.name} in ` : ''}${o.target.file.name}`;
  for (const gap of found) {
    if (gap.missing.length > 0) {
      const statement = statementFor(gap.grant, gap.missing, o.principal);
      // Sids must stay unique in a policy: a pasted statement whose Sid is taken goes without one.
      if (sids.has(gap.grant.sid)) delete statement['Sid'];
      ctx.report({
        doc: o.target,
        path: STATEMENT,
        ...(o.level ? { level: o.level } : {}),
        message: `${
          o.layer
            ? `${o.layer} does not allow ${o.who} ${list(gap.missing)} on ${on(gap.grant)}`
            : `${o.who} is not allowed ${list(gap.missing)} on ${on(gap.grant)}`
        }${o.because ?? ''}${conditionNote(gap)}`,
        fix: { description: `add to ${into}`, value: statement },
        explain: gap.explain,
      });
    }
  }
}

/** Why an Allow that names the call does not apply: its condition, with the key states that decided it. */
function conditionNote(gap: Gap): string {
  const first = gap.conditionFailed[0];
  if (!first) return '; add the statement';
  const why = first.why.replace(/^Condition /, '');
  return `: ${where(first.statement)} would allow it, but its condition ${why}; fix that condition or add the statement`;
}

/** Denies: one finding per Deny statement, naming every call it stops (and the layer, if any). */
function reportDenies(ctx: Pick<RuleContext, 'report'>, found: readonly Gap[], o: GapReport): void {
  const on = o.describe ?? ((g: Grant) => g.resource);
  const byStatement = new Map<
    Statement,
    { calls: string[]; fixes: Record<string, unknown>[]; explain: string[]; from: Set<Gap> }
  >();
  for (const gap of found)
    for (const { action, by } of gap.denied)
      for (const s of by) {
        let entry = byStatement.get(s);
        if (!entry) byStatement.set(s, (entry = { calls: [], fixes: [], explain: [], from: new Set() }));
        entry.calls.push(`${action} on ${on(gap.grant)}`);
        entry.fixes.push(statementFor(gap.grant, [action], o.principal));
        // A gap's explanation covers all its actions: once per statement.
        if (!entry.from.has(gap)) entry.explain.push(...gap.explain);
        entry.from.add(gap);
      }
  for (const [s, { calls, fixes, explain }] of byStatement) {
    ctx.report({
      doc: s.policy,
      path: s.path,
      ...(o.level ? { level: o.level } : {}),
      message: `this Deny${o.layer ? ` in ${o.layer}` : ''} stops ${o.who} from ${calls.length === 1 ? calls[0] : `${calls.length} calls replication makes (${list(calls)})`}${o.layer ? '' : (o.because ?? '')}; narrow it so it does not match`,
      fix: {
        description: 'narrow the Deny; what it must leave allowed',
        value: fixes.length === 1 ? fixes[0] : fixes,
      },
      explain,
    });
  }
}

/**
 * With some of the principal's policies unknown (attached managed policies not among the inputs),
 * a grant that seems missing may be in them: keep only what the known policies prove (a Deny).
 */
export const provable = (found: readonly Gap[], unknown: readonly string[]): Gap[] =>
  unknown.length === 0 ? [...found] : found.map((g) => ({ ...g, missing: [] }));

export const unknownReason = (who: string, unknown: readonly string[]): string =>
  `${who}: attached policies ${unknown.join(', ')} are not among the inputs (account authorization details list a policy's document in Policies), so missing grants were not reported`;
