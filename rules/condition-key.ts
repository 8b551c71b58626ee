import { statementActions } from '../src/iam/actions.js';
import {
  globalConditionKeys,
  KeySet,
  service,
  servicePrefixes,
  type ActionInfo,
  type ConditionKeyInfo,
  type ServiceData,
} from '../src/iam/data.js';
import type { ConditionEntry } from '../src/iam/policy.js';
import { parseOperator } from '../src/iam/conditions.js';
import { closest } from '../src/iam/closest.js';
import { operatorMismatch } from '../src/iam/keytypes.js';
import { defineRule, rulePage, type Report } from '../src/rule.js';

const SINGLE_VALUED = new Set(['String', 'ARN', 'Bool', 'Numeric', 'Date', 'IPAddress', 'Binary']);

/** The keys one action supports: its own, its resource types' (as listed and as the service defines them). */
const actionKeys = new WeakMap<ActionInfo, KeySet>();
function keysOf(svc: ServiceData, action: ActionInfo): KeySet {
  let set = actionKeys.get(action);
  if (!set) {
    const names = [...action.conditionKeys];
    for (const rt of action.resourceTypes) {
      names.push(...rt.conditionKeys, ...(svc.resourceTypes.get(rt.name.toLowerCase())?.conditionKeys ?? []));
    }
    set = new KeySet(names.map((key) => ({ key, type: '' })));
    actionKeys.set(action, set);
  }
  return set;
}

/** Valid global keys the data's global list lacks (deprecated, still accepted by IAM). */
const MISSING_GLOBALS = new KeySet([{ key: 'aws:PrincipalOrgMasterAccountId', type: 'String' }]);

interface KeyFacts {
  prefix: string;
  /** In the global list: valid with every action. */
  global: boolean;
  info?: ConditionKeyInfo;
  svc?: ServiceData;
}

/** What the data says about a key; undefined when its prefix is not checkable. */
function describe(key: string): KeyFacts | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = key.slice(0, colon).toLowerCase();
  // The global list also holds a few service keys (ec2:SourceInstanceArn, glue:RoleAssumedBy, …).
  const global = globalConditionKeys().get(key) ?? MISSING_GLOBALS.get(key);
  if (global) return { prefix, global: true, info: global };
  if (prefix === 'aws') return { prefix, global: false };
  // Identity-provider keys (token.actions.githubusercontent.com:sub, saml:aud, …) are not service keys.
  if (!servicePrefixes().has(prefix)) return undefined;
  const svc = service(prefix);
  if (!svc) return undefined;
  const info = svc.conditionKeys.get(key);
  return info ? { prefix, global: false, info, svc } : { prefix, global: false, svc };
}

export default defineRule({
  id: 'condition-key',
  description:
    "A condition key exists for none of the statement's actions, its operator does not compare values of its type, or ForAllValues/ForAnyValue is used with a single-valued key.",
  level: 'warning',
  helpUri: rulePage('condition-key'),
  tags: ['iam', 'correctness'],
  seeAlso: [
    'INVALID_GLOBAL_CONDITION_KEY',
    'INVALID_SERVICE_CONDITION_KEY',
    'UNSUPPORTED_ACTION_FOR_CONDITION_KEY',
    'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
  ],
  policy({ doc, statements }, { report }) {
    for (const statement of statements) {
      if (!statement.condition) continue;
      // NotAction, or an action the data does not know: the key set is unknown, say nothing.
      // An action not known before deployment (a template's reference): the key set is unknown too.
      const actions =
        statement.action && !statement.notAction && !statement.unknown?.has('Action')
          ? statementActions(statement.action)
          : undefined;
      for (const entry of statement.condition) {
        const at = { doc, path: entry.path };
        const known = describe(entry.key);
        const single = singleValued(entry, known?.info);
        if (single) report({ ...at, ...single, key: `set:${entry.operator}:${entry.key}` });
        const mismatch = operatorMismatch(entry.operator, entry.key);
        if (mismatch)
          report({
            ...at,
            key: `type:${entry.operator}:${entry.key}`,
            level: mismatch.never ? 'error' : 'warning',
            message: `"${entry.operator}" compares ${mismatch.family} values, but "${entry.key}" is ${/^[AEIO]/.test(mismatch.type) ? 'an' : 'a'} ${mismatch.type} key${mismatch.never ? `: its values are never ${mismatch.family} values, so the comparison never holds` : `: only values that happen to read as ${mismatch.family} values compare`}; use ${mismatch.use}`,
          });
        if (!actions || !known) continue;
        // Global keys apply to every action.
        if (known.global) continue;
        if (actions.some(({ service: svc, action }) => keysOf(svc, action).has(entry.key))) continue;
        const names = [...new Set(actions.map(({ service: svc, action }) => `${svc.prefix}:${action.name}`))];
        const list =
          names.length > 3
            ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
            : names.join(', ');
        if (known.info) {
          report({
            ...at,
            message: `condition key "${entry.key}" is not available for ${names.length > 1 ? 'any of ' : ''}this statement's action${names.length > 1 ? 's' : ''} (${list}), so it is never in the request: move the condition to a statement whose actions support it, or remove it`,
          });
          continue;
        }
        const candidates =
          known.prefix === 'aws' ? globalConditionKeys().names() : (known.svc?.conditionKeys.names() ?? []);
        const suggestion = closest(entry.key, candidates);
        report({
          ...at,
          message: `condition key "${entry.key}" does not exist${known.prefix === 'aws' ? ' as a global condition key' : ` in service ${known.prefix}`}${suggestion ? `: did you mean "${suggestion}"?` : ''} (a key that is never in the request makes the condition fail, or pass with IfExists and negated operators)`,
        });
      }
    }
  },
});

function singleValued(
  entry: ConditionEntry,
  info: ConditionKeyInfo | undefined,
): Omit<Report, 'doc' | 'path'> | undefined {
  const q = /^(ForAnyValue|ForAllValues):(.*)$/.exec(entry.operator);
  // An unknown operator (condition-operator reports it) has no plain form to suggest.
  if (!q || !info || !SINGLE_VALUED.has(info.type) || !parseOperator(entry.operator).base) return undefined;
  const plain = q[2] ?? '';
  return {
    message:
      q[1] === 'ForAllValues'
        ? `ForAllValues with the single-valued key "${entry.key}" is also true when the key is absent, which can be overly permissive: use "${plain}"`
        : `ForAnyValue with the single-valued key "${entry.key}" is meant for multivalued keys: use "${plain}"`,
    fix: {
      description: `Use the plain operator`,
      value: { [plain]: { [entry.key]: entry.values.map((v) => v.value) } },
    },
  };
}
