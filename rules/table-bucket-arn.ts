import { reportArn } from '../src/replication/arns.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'table-bucket-arn',
  description:
    'The source tableBucketARN and every destinationTableBucketARN must be valid S3 Tables table bucket ARNs.',
  level: 'error',
  helpUri: rulePage('table-bucket-arn'),
  tags: ['replication', 'correctness'],
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { source, destinations } = arns;
      if (source?.kind === 'table-bucket') reportArn(report, doc, source, 'table-bucket');
      for (const d of destinations) reportArn(report, doc, d, 'table-bucket');
    }
  },
});
