import { PAGES } from '../src/replication/catalogue.js';
import { recordOf, setupFor, show } from '../src/replication/live.js';
import { defineRule, rulePage } from '../src/rule.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "role R, destinations A, B" of a configuration, for messages. */
function describe(configuration: unknown): string {
  if (!isObj(configuration)) return 'a configuration';
  const rules = Array.isArray(configuration['rules']) ? configuration['rules'] : [];
  const destinations = rules.flatMap((r: unknown) =>
    isObj(r) && Array.isArray(r['destinations'])
      ? r['destinations'].map((d: unknown) => (isObj(d) ? show(d['destinationTableBucketARN']) : '?'))
      : [],
  );
  return `role ${show(configuration['role'])}, destinations ${destinations.join(', ') || 'none'}`;
}

export default defineRule({
  id: 'version-token',
  description:
    "A replication PUT's versionToken must be the current configuration's; without one it overwrites whatever is there.",
  level: 'error',
  helpUri: rulePage('version-token'),
  tags: ['replication', 'correctness'],
  seeAlso: [PAGES.putTable],
  requiresAws: true,
  check({ model, report }) {
    for (const aws of model.aws) {
      const r = aws.form === 'dry-run' ? recordOf(aws) : undefined;
      if (!r || !('current' in r.record)) continue; // the current configuration could not be read
      const current = r.record['current'];
      const setup = setupFor(model, r.record['source'], r.record['input']);
      const input = setup?.doc.form === 'put-request' ? setup.doc : undefined;
      if (!input || !isObj(input.data)) continue;
      const source = show(r.record['source']);
      const given = input.data['versionToken'];
      const get = input.sourceKey === 'tableArn' ? 'get-table-replication' : 'get-table-bucket-replication';
      if (current === null) {
        if (typeof given === 'string')
          report({
            doc: input,
            path: ['versionToken'],
            level: 'warning',
            message: `${source} has no replication configuration yet, but the request carries versionToken "${given}", which no configuration has; remove it`,
          });
        continue;
      }
      if (!isObj(current)) continue;
      const token = show(current['versionToken']);
      if (given === token) continue;
      const now = describe(current['configuration']);
      if (given === undefined) {
        report({
          doc: input,
          path: [input.sourceKey ?? 'configuration'],
          level: 'warning',
          message: `${source} already has a replication configuration (${now}); this PUT has no versionToken and replaces it whatever it is by then; add "versionToken": "${token}" so that it fails if the configuration changes meanwhile`,
          fix: { description: 'the current configuration\'s version token, as "versionToken"', value: token },
        });
        continue;
      }
      report({
        doc: input,
        path: ['versionToken'],
        message: `versionToken "${show(given)}" is not the current one ("${token}"): the configuration changed since it was read (now ${now}), so the PUT would be refused; read it again (aws s3tables ${get}), merge, and use the new token`,
        fix: { description: 'the current version token', value: token },
      });
    }
  },
});
