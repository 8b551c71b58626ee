import { defineRule } from '../src/rule.js';
import { UNUSED_SUPPRESSION } from '../src/suppress.js';

// No check: the suppression stage (src/suppress.ts) emits these findings once it knows which
// suppressions matched nothing; selecting or re-levelling the rule works as for any other.
export default defineRule({
  id: UNUSED_SUPPRESSION,
  description: 'A suppression in the config file matches no finding, so it can be removed.',
  level: 'note',
  helpUri: 'https://github.com/s3tables-lint/s3tables-lint/blob/main/docs/rules/unused-suppression.md',
});
