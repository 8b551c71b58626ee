import { PAGES } from '../src/replication/catalogue.js';
import { auditTime } from '../src/replication/live.js';
import { defineRule, rulePage } from '../src/rule.js';

/** A destination still `pending` this long after its last success (or with none) is reported. */
export const PENDING_HOURS = 24;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export default defineRule({
  id: 'replication-status',
  description:
    'Replication of a table to each destination should not have failed or stayed pending (GetTableReplicationStatus).',
  level: 'error',
  helpUri: rulePage('replication-status'),
  tags: ['aws', 'replication'],
  seeAlso: [PAGES.userGuide],
  requiresAws: true,
  check({ model, report, skip }) {
    for (const doc of model.aws) {
      if (doc.form !== 'replication-status' || !isObj(doc.data)) continue;
      const table = str(doc.data['sourceTableArn']) ?? 'the table';
      const account = table.split(':')[4] ?? '';
      const destinations = Array.isArray(doc.data['destinations']) ? doc.data['destinations'] : [];
      destinations.forEach((d: unknown, i) => {
        if (!isObj(d)) return;
        const status = str(d['replicationStatus']);
        const to = str(d['destinationTableBucketArn']) ?? 'its destination';
        if (status === 'failed') {
          const why = str(d['failureMessage']);
          report({
            doc,
            path: ['destinations', i, 'replicationStatus'],
            message: `replication of ${table} to ${to} failed${why ? `: "${why}"` : ' (no failure message)'}; S3 Tables accepts a configuration without checking the role, so fix what the message names: the replication role's trust or permissions policy, the destination's bucket policy or the KMS key policies (s3tables-lint suggest prints what each needs)`,
          });
          return;
        }
        if (status !== 'pending') return;
        const at = auditTime(model.aws, account);
        if (!at) {
          skip(
            `pending replication of ${table} to ${to} not judged: no audit record of account ${account} among the inputs tells when the status was read (lint the whole saved audit folder)`,
          );
          return;
        }
        const last = isObj(d['lastSuccessfulReplicatedUpdate'])
          ? new Date(str(d['lastSuccessfulReplicatedUpdate']['timestamp']) ?? '')
          : undefined;
        const hours =
          last && !Number.isNaN(last.getTime()) ? (at.getTime() - last.getTime()) / 3_600_000 : undefined;
        if (hours !== undefined && hours < PENDING_HOURS) return;
        report({
          doc,
          path: ['destinations', i, 'replicationStatus'],
          level: 'note',
          // The message names the audit's time: the fingerprint must not, or every run is a new alert.
          key: `pending ${table} ${to}`,
          message:
            hours === undefined
              ? `replication of ${table} to ${to} is pending and has never completed (as of ${at.toISOString()}); if the configuration is older than a few hours, check the replication role and the destination's bucket policy`
              : `replication of ${table} to ${to} is pending, ${Math.floor(hours)} hours after its last success (as of ${at.toISOString()}); check the replication role and the destination's bucket policy`,
        });
      });
    }
  },
});
