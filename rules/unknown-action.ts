import { resolveAction } from '../src/iam/actions.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'unknown-action',
  description: 'An Action or NotAction names a service or action that the IAM service data does not know.',
  level: 'warning',
  helpUri: rulePage('unknown-action'),
  tags: ['iam', 'correctness'],
  seeAlso: ['INVALID_ACTION', 'INVALID_SERVICE_IN_ACTION'],
  policy({ doc, statements }, { report }) {
    for (const statement of statements) {
      const items = [
        ...(statement.action ?? []).map((item) => ({ item, effect: 'grants or denies nothing' })),
        // In NotAction, a name that matches nothing leaves the intended action in the statement.
        ...(statement.notAction ?? []).map((item) => ({
          item,
          effect: 'excludes nothing from the statement',
        })),
      ];
      for (const { item, effect } of items) {
        const res = resolveAction(item.value);
        const at = { doc, path: item.path };
        if (res.kind === 'malformed') {
          report({
            ...at,
            message: `"${item.value}" has no service prefix: write actions as service:Action (e.g. s3tables:GetTable), or "*"`,
          });
        } else if (res.kind === 'unknown-service') {
          const name = item.value.slice(res.prefix.length + 1);
          report({
            ...at,
            message: `unknown service prefix "${res.prefix}" in "${item.value}"${res.suggestion ? `: did you mean "${res.suggestion}:${name}"?` : ': it is not in the IAM service data (a typo, a retired service, or one newer than the data)'}`,
            ...(res.suggestion
              ? {
                  fix: {
                    description: 'Use the service prefix the data knows',
                    value: `${res.suggestion}:${name}`,
                  },
                }
              : {}),
          });
        } else if (res.kind === 'unknown-action') {
          report({
            ...at,
            message: `"${item.value}" is not a known ${res.service.prefix} action${res.suggestion ? `: did you mean "${res.suggestion}"?` : ''} (IAM ignores an action it does not know, so this ${effect})`,
            ...(res.suggestion
              ? { fix: { description: 'Use the action name the data knows', value: res.suggestion } }
              : {}),
          });
        } else if (res.kind === 'actions' && res.actions.length === 0) {
          report({
            ...at,
            message: `the pattern "${item.value}" matches no ${res.service.prefix} action, so it ${effect}: check the spelling`,
          });
        }
      }
    }
  },
});
