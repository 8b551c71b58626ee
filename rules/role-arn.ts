import { reportArn } from '../src/replication/arns.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'role-arn',
  description: 'The replication configuration.role must be a valid IAM role ARN.',
  level: 'error',
  helpUri:
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3Buckets_TableBucketReplicationConfiguration.html',
  check({ model, report }) {
    for (const { doc, arns } of model.setups) {
      const { role } = arns;
      if (role) reportArn(report, doc, role, 'role');
    }
  },
});
