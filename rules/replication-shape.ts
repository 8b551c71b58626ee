import { replicationShape } from '../src/replication/shape.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'replication-shape',
  description:
    'A replication configuration must have the members, types, counts and lengths the S3 Tables API accepts.',
  level: 'error',
  helpUri:
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3Buckets_TableBucketReplicationConfiguration.html',
  check({ model, report }) {
    for (const doc of model.replications) {
      for (const problem of replicationShape(doc))
        report({ doc, path: problem.path, message: problem.message });
    }
  },
});
