import { bucketArnOf, show } from '../src/iam/arn.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'destination-is-source',
  description:
    'A replication destination must not be the source table bucket (or the bucket holding the source table).',
  level: 'error',
  helpUri: rulePage('destination-is-source'),
  tags: ['replication', 'correctness'],
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { source, destinations } = arns;
      const sourceBucket = source && bucketArnOf(source.value);
      if (!source || !sourceBucket) continue;
      for (const d of destinations) {
        if (bucketArnOf(d.value) !== sourceBucket) continue;
        const what =
          source.kind === 'table'
            ? 'the table bucket that holds the source table'
            : 'the source table bucket';
        report({
          doc,
          path: d.path,
          message: `${d.field} ${show(d.value)} is ${what}; replicate to another table bucket (one in another Region or account is fine)`,
        });
      }
    }
  },
});
