import { statementActions } from '../src/iam/actions.js';
import type { ActionInfo, ServiceData } from '../src/iam/data.js';
import { wildcardService } from '../src/iam/evaluate.js';
import { couldMatchTemplate, fields } from '../src/iam/templates.js';
import { defineRule, rulePage } from '../src/rule.js';

/**
 * Prefixes whose data cannot be trusted for this check: two versions of a service share the prefix
 * and same-named actions (API Gateway, Elastic Load Balancing, Greengrass, SES, Kinesis
 * Analytics and Lex, each with its V2), and the data keeps one version's resource types; CodeStar
 * Connections, renamed CodeConnections, takes ARNs of either name.
 */
const AMBIGUOUS = new Set([
  'apigateway',
  'elasticloadbalancing',
  'greengrass',
  'ses',
  'kinesisanalytics',
  'lex',
  'codestar-connections',
  'codeconnections',
]);

/** The ARN templates an action accepts; undefined when one of its types is not in the data. */
const templates = new WeakMap<ActionInfo, string[] | undefined>();
function templatesOf(svc: ServiceData, action: ActionInfo): string[] | undefined {
  if (templates.has(action)) return templates.get(action);
  const out: string[] = [];
  let known = true;
  for (const rt of action.resourceTypes) {
    const arn = svc.resourceTypes.get(rt.name.toLowerCase())?.arn;
    if (arn === undefined) known = false;
    // Some types have several formats in one string ("arn:…/apis/${ApiId}, arn:…/restapis/…"): try each.
    else out.push(...arn.split(/,\s*(?=arn:)/));
  }
  const result = known ? out : undefined;
  templates.set(action, result);
  return result;
}

/** Could `resource` name something `action` applies to? Actions without resource types take only `*`. */
function accepts(svc: ServiceData, action: ActionInfo, resource: string, parts: readonly string[]): boolean {
  const ts = templatesOf(svc, action);
  if (ts === undefined) return true;
  if (ts.length === 0) return resource === '*';
  return ts.some((t) => couldMatchTemplate(parts, t));
}

export default defineRule({
  id: 'resource-type-mismatch',
  description:
    "A Resource ARN can match no resource type of any of the statement's actions, so it grants nothing.",
  level: 'warning',
  helpUri: rulePage('resource-type-mismatch'),
  tags: ['iam', 'correctness'],
  seeAlso: ['INVALID_ARN_RESOURCE'],
  policy({ doc, statements }, { report }) {
    for (const statement of statements) {
      // Judged per statement over its whole action set; NotAction or unknown actions: say nothing.
      if (!statement.action || statement.notAction || !statement.resource) continue;
      // An action not known before deployment (a template's reference) may fit any resource.
      if (statement.unknown?.has('Action')) continue;
      const actions = statementActions(statement.action);
      if (!actions || actions.some(({ service: s }) => AMBIGUOUS.has(s.prefix))) continue;
      for (const item of statement.resource) {
        const value = item.value;
        // `*` fits everything; a policy variable is unknown until request time.
        if (value === '*' || value.includes('${')) continue;
        if (wildcardService(value)) {
          const svc = value.split(':')[2] ?? '';
          const names = [...new Set(actions.map(({ service: s }) => s.prefix))];
          report({
            doc,
            path: item.path,
            message: `Resource "${value}" has a wildcard in its service segment (${svc}), which the IAM User Guide rules out ("You can't use a wildcard in the service segment", Resource element); the linter reads it as matching nothing: write the service name${names.length === 1 ? ` (${names[0]})` : ''}`,
          });
          continue;
        }
        // Split once, try against every template of every action.
        const parts = fields(value);
        if (actions.some(({ service: s, action: a }) => accepts(s, a, value, parts))) continue;
        report({ doc, path: item.path, message: message(value, actions) });
      }
    }
  },
});

function message(value: string, actions: readonly { service: ServiceData; action: ActionInfo }[]): string {
  const expected = new Map<string, string>();
  const starOnly: string[] = [];
  for (const { service: s, action: a } of actions) {
    const ts = templatesOf(s, a) ?? [];
    if (ts.length === 0) starOnly.push(`${s.prefix}:${a.name}`);
    for (const t of ts) if (!expected.has(t)) expected.set(t, `${s.prefix}:${a.name}`);
  }
  const forms = [...expected.keys()];
  const shown = forms.slice(0, 3).join(', ') + (forms.length > 3 ? ` (and ${forms.length - 3} more)` : '');
  const parts = [
    `Resource "${value}" can match no resource type of this statement's actions, so the statement grants or denies nothing on it`,
  ];
  if (forms.length > 0)
    parts.push(`${actions.length === 1 ? 'its action takes' : 'its actions take'} ARNs like ${shown}`);
  if (starOnly.length > 0)
    parts.push(
      `${starOnly.slice(0, 3).join(', ')}${starOnly.length > 3 ? ' and others' : ''} ${starOnly.length === 1 ? 'takes' : 'take'} only "*"`,
    );
  return parts.join('; ');
}
