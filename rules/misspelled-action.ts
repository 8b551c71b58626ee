import { resolveAction } from '../src/iam/actions.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'misspelled-action',
  description:
    'An action is spelled as the S3 Tables API reference misspells it (s3tables:GetTableMaintenanceConfig, s3tables:PutTableMaintenanceConfig).',
  level: 'error',
  helpUri: rulePage('misspelled-action'),
  tags: ['iam', 'replication', 'correctness'],
  seeAlso: ['INVALID_ACTION'],
  policy({ doc, statements }, { report }) {
    for (const statement of statements) {
      for (const item of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
        const res = resolveAction(item.value);
        if (res.kind !== 'misspelled') continue;
        report({
          doc,
          path: item.path,
          message: `"${item.value}" is not an IAM action (the API reference misspells it): use "${res.real}" (for a table bucket, "${res.bucketLevel}")`,
          fix: { description: 'The IAM action for tables', value: res.real },
        });
      }
    }
  },
});
