import { reportArn, replicationArns } from '../src/iam/arn.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'table-arn',
  description: 'The source tableArn of a table-level replication must be a valid S3 Tables table ARN.',
  level: 'error',
  helpUri: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3Buckets_PutTableReplication.html',
  check({ model, report }) {
    for (const doc of model.replications) {
      const { source } = replicationArns(doc);
      if (source?.kind === 'table') reportArn(report, doc, source, 'table');
    }
  },
});
