import { explainArn, pathText, show, type ArnKind } from '../iam/arn.js';
import type { ArnAt, ReplicationDoc } from '../model.js';
import type { Report } from '../rule.js';

/** Reports every problem of one ARN, each at its own level, with the corrected value when derivable. */
export function reportArn(report: (r: Report) => void, doc: ReplicationDoc, at: ArnAt, kind: ArnKind): void {
  for (const p of explainArn(kind, at.value)) {
    if (p.length) continue;
    report({
      doc,
      path: at.path,
      level: p.level,
      message: `${at.field} ${show(at.value)} ${p.message}`,
      ...(p.fix !== undefined ? { fix: { description: `set ${pathText(at.path)} to`, value: p.fix } } : {}),
    });
  }
}
