/**
 * One pass over the policies for the IAM rules: each policy is normalised once (not cached, so
 * 10,000 policies do not stay in memory as statements), every registered check runs on it, and
 * only the findings are kept. Each rule's check() then reports its own.
 */
import type { Model, PolicyDoc } from '../model.js';
import type { Report, RuleContext } from '../rule.js';
import { normalize, type Statement } from './policy.js';
import { inPolicy } from './report.js';

export type PolicyReport = (r: Report & { doc: PolicyDoc }) => void;
export type Visit = (doc: PolicyDoc, statements: readonly Statement[], report: PolicyReport) => void;

const visitors = new Map<string, Visit>();
const results = new WeakMap<Model, Map<string, { reports: Report[]; error?: unknown }>>();

/** Registers a rule's per-policy check (when its module loads) and returns the rule's check(). */
export function policyCheck(id: string, visit: Visit): (ctx: RuleContext) => void {
  visitors.set(id, visit);
  return ({ model, report }) => {
    let byRule = results.get(model);
    if (!byRule) results.set(model, (byRule = pass(model)));
    const mine = byRule.get(id);
    if (mine?.error !== undefined) throw mine.error;
    for (const r of mine?.reports ?? []) report(r);
  };
}

function pass(model: Model): Map<string, { reports: Report[]; error?: unknown }> {
  const out = new Map<string, { reports: Report[]; error?: unknown }>();
  const active = [...visitors].map(([id, visit]) => {
    const slot: { reports: Report[]; error?: unknown } = { reports: [] };
    out.set(id, slot);
    return { visit, slot, report: inPolicy((r) => slot.reports.push(r)) };
  });
  for (const doc of model.policies) {
    const statements = normalize(doc);
    for (const { visit, slot, report } of active) {
      // A crash is that rule's alone: it is rethrown from its check(), the others still report.
      if (slot.error !== undefined) continue;
      try {
        visit(doc, statements, report);
      } catch (cause) {
        slot.error = cause ?? new Error('unknown error');
      }
    }
  }
  return out;
}
