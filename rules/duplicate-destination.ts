import { bucketArnOf, pathText, show } from '../src/iam/arn.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'duplicate-destination',
  description: 'A replication rule must not list the same destination table bucket twice.',
  level: 'warning',
  helpUri: rulePage('duplicate-destination'),
  tags: ['replication', 'correctness'],
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { destinations } = arns;
      const first = new Map<string, (typeof destinations)[number]>();
      const dropped = new Map<number, Set<number>>();
      const reports: { at: (typeof destinations)[number]; earlier: (typeof destinations)[number] }[] = [];
      for (const d of destinations) {
        // A table ARN written for its bucket names that bucket (table-bucket-arn reports the form).
        const key = `${d.rule}\u0000${bucketArnOf(d.value) ?? d.value}`;
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, d);
          continue;
        }
        reports.push({ at: d, earlier });
        if (!dropped.has(d.rule)) dropped.set(d.rule, new Set());
        dropped.get(d.rule)?.add(d.index);
      }
      // The corrected list goes on the first duplicate of each rule only: one paste fixes them all,
      // and a copy per duplicate grows with the square of the list (4,000 entries: 483 MB of JSON).
      const fixed = new Set<number>();
      for (const { at, earlier } of reports) {
        const same = earlier.value === at.value ? 'is already listed at' : 'names the same table bucket as';
        const listPath = at.path.slice(0, -2);
        const list = fixed.has(at.rule) ? undefined : listDestinations(doc.data, at.rule);
        fixed.add(at.rule);
        report({
          doc,
          path: at.path,
          message: `${at.field} ${show(at.value)} ${same} ${pathText(earlier.path.slice(0, -1))}; remove this entry`,
          ...(list
            ? {
                fix: {
                  description: `replace ${pathText(listPath)} with`,
                  value: list.filter((_, i) => !dropped.get(at.rule)?.has(i)),
                },
              }
            : {}),
        });
      }
    }
  },
});

function listDestinations(data: unknown, rule: number): unknown[] | undefined {
  const get = (v: unknown, k: string | number): unknown =>
    typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined;
  const list = get(get(get(get(data, 'configuration'), 'rules'), rule), 'destinations');
  return Array.isArray(list) ? list : undefined;
}
