import type { PolicyDoc } from '../model.js';
import type { Report } from '../rule.js';
import { policyReport } from './grammar.js';

/**
 * Wraps a rule's report() for findings inside policies: in a policy embedded as a string (URL-encoded,
 * or a bucket policy's JSON string) the finding points at the string and names the path inside it.
 */
export const inPolicy =
  (report: (r: Report) => void) =>
  (r: Report & { doc: PolicyDoc }): void =>
    report({ ...r, ...policyReport(r.doc, r.path, r.message) });
