import { replicationShape } from '../src/replication/shape.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'replication-shape',
  description:
    'A replication configuration must have the members, types, counts and lengths the S3 Tables API accepts.',
  level: 'error',
  helpUri: rulePage('replication-shape'),
  tags: ['replication', 'correctness'],
  check({ model, report }) {
    for (const doc of model.replications) {
      for (const problem of replicationShape(doc))
        report({ doc, path: problem.path, message: problem.message });
    }
  },
});
