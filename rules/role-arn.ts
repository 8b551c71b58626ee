import { reportArn } from '../src/replication/arns.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'role-arn',
  description: 'The replication configuration.role must be a valid IAM role ARN.',
  level: 'error',
  helpUri: rulePage('role-arn'),
  tags: ['replication', 'iam', 'correctness'],
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { role } = arns;
      if (role) reportArn(report, doc, role, 'role');
    }
  },
});
