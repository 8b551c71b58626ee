import type { Doc, Path } from '../src/model.js';
import { PAGES } from '../src/replication/catalogue.js';
import { recordOf, setupFor, show } from '../src/replication/live.js';
import { defineRule, rulePage } from '../src/rule.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

export default defineRule({
  id: 'caller-simulation',
  description:
    "IAM's policy simulator must allow the calling principal each call the replication PUT needs (dry run).",
  level: 'error',
  helpUri: rulePage('caller-simulation'),
  tags: ['aws', 'iam', 'permissions'],
  seeAlso: [PAGES.passRole],
  requiresAws: true,
  check({ model, report }) {
    for (const aws of model.aws) {
      const r = aws.form === 'dry-run' ? recordOf(aws) : undefined;
      if (!r) continue;
      const linked = setupFor(model, r.record['source'], r.record['input']);
      const at = (action: string): { doc: Doc; path: Path } =>
        linked?.source
          ? {
              doc: linked.doc,
              path: action === 'iam:PassRole' && linked.role ? linked.role.path : linked.source.path,
            }
          : { doc: aws, path: [r.key, 'simulations'] };
      const caller = isObj(r.record['caller']) ? r.record['caller'] : {};
      const principal = typeof caller['arn'] === 'string' ? caller['arn'] : undefined;
      const who = principal ?? 'the caller';
      if (typeof caller['why'] === 'string') {
        report({
          ...at(''),
          level: 'note',
          message: `inconclusive: the caller's permissions were not simulated: ${caller['why']}; check them with --caller-policy`,
          key: 'no-simulation',
        });
        continue;
      }
      const sims = Array.isArray(r.record['simulations']) ? r.record['simulations'] : [];
      const account = principal?.split(':')[4];
      for (const s of sims) {
        if (!isObj(s)) continue;
        const action = show(s['action']);
        const resource = s['resource'] === undefined ? '*' : show(s['resource']);
        const decision = show(s['decision']);
        const missing = strings(s['missingContextValues']);
        const scp = s['allowedByOrganizations'] === false;
        const boundary = s['allowedByPermissionsBoundary'] === false;
        const what = `${who} calling ${action} on ${resource}`;
        const key = `${action} ${resource}`;
        if (missing.length > 0) {
          report({
            ...at(action),
            level: 'note',
            message: `inconclusive: ${what} was simulated as ${decision}, but with ${missing.join(', ')} left empty; the simulator skips conditions on empty keys, so a condition on ${missing.length > 1 ? 'them' : 'it'} decides what AWS does; check the statements that use ${missing.length > 1 ? 'them' : 'it'}`,
            key,
          });
          continue;
        }
        if (decision === 'allowed') continue;
        const otherAccount = account !== undefined && resource.split(':')[4] !== account && resource !== '*';
        if (decision === 'implicitDeny' && otherAccount) {
          report({
            ...at(action),
            level: 'note',
            message: `inconclusive: ${what}: the resource is in account ${resource.split(':')[4]}, whose resource policy may grant it, and the simulator evaluates resource policies for IAM users only`,
            key,
          });
          continue;
        }
        const why = scp
          ? 'a service control policy denies it'
          : boundary
            ? 'its permissions boundary does not allow it'
            : decision === 'explicitDeny'
              ? 'an explicit Deny in its policies refuses it'
              : 'none of its policies allows it (implicit deny)';
        const fix =
          scp || boundary || decision === 'explicitDeny'
            ? undefined
            : {
                description: `a statement for ${who}'s identity policy`,
                value: {
                  Effect: 'Allow',
                  Action: action,
                  Resource: resource,
                  ...(action === 'iam:PassRole'
                    ? {
                        Condition: {
                          StringEquals: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' },
                        },
                      }
                    : {}),
                },
              };
        report({
          ...at(action),
          message: `denied: ${what}: ${why}, so the PUT would fail${scp ? ' (if that SCP has conditions, confirm in the console: the simulator evaluates SCP conditions unreliably)' : ''}; ${fix ? 'allow it' : 'change that policy'}`,
          ...(fix ? { fix } : {}),
          key,
        });
      }
    }
  },
});
