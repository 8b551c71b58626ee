import { reportArn } from '../src/replication/arns.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'table-arn',
  description: 'The source tableArn of a table-level replication must be a valid S3 Tables table ARN.',
  level: 'error',
  helpUri: rulePage('table-arn'),
  tags: ['replication', 'correctness'],
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { source } = arns;
      if (source?.kind === 'table') reportArn(report, doc, source, 'table');
    }
  },
});
