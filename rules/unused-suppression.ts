import { defineRule } from '../src/rule.js';

// The findings come from the config stage: lint() runs this rule after the others, once it knows
// which suppressions matched nothing (model.config.unusedSuppressions).
export default defineRule({
  id: 'unused-suppression',
  description: 'A suppression in the config file matches no finding, so it can be removed.',
  level: 'note',
  helpUri: 'https://github.com/s3tables-lint/s3tables-lint/blob/main/docs/rules/unused-suppression.md',
  check({ model, report }) {
    const config = model.config;
    if (!config) return;
    const list = (config.doc.data as { suppressions?: { rule: string; files: string }[] }).suppressions ?? [];
    for (const index of config.unusedSuppressions) {
      const s = list[index];
      if (!s) continue;
      report({
        doc: config.doc,
        path: ['suppressions', index],
        message: `suppression of ${s.rule} in ${s.files} matches no finding; remove it (or fix its rule, files or resource)`,
      });
    }
  },
});
