import { parseArn, pathText, show } from '../src/iam/arn.js';
import type { ArnAt } from '../src/model.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'partition-mismatch',
  description:
    'The source, every destination and the role of a replication must be in the same AWS partition.',
  level: 'error',
  helpUri: rulePage('partition-mismatch'),
  tags: ['replication', 'iam', 'correctness'],
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { source, role, destinations } = arns;
      const named: { at: ArnAt; what: string }[] = [];
      if (source)
        named.push({
          at: source,
          what: source.kind === 'table' ? 'the source table' : 'the source table bucket',
        });
      if (role) named.push({ at: role, what: 'the role' });
      for (const d of destinations) named.push({ at: d, what: pathText(d.path) });
      const withPartition = named
        .map((n) => ({ ...n, partition: parseArn(n.at.value)?.partition ?? '' }))
        .filter((n) => n.partition !== '');
      const reference = withPartition[0];
      if (!reference) continue;
      for (const n of withPartition.slice(1)) {
        if (n.partition === reference.partition) continue;
        report({
          doc,
          path: n.at.path,
          message: `${n.at.field} ${show(n.at.value)} is in the partition ${show(n.partition)}, but ${reference.what} is in ${show(reference.partition)}; replication and iam:PassRole cannot cross partitions: use an ARN in ${show(reference.partition)}`,
        });
      }
    }
  },
});
