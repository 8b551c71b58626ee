/**
 * Differential test of the request context (see helpers/oracle.ts): the replication role's session
 * as replication/context.ts builds it, with known principals and known-absent keys.
 */
import { expect, it } from 'vitest';
import { link } from '../src/link.js';
import { loadTexts } from '../src/load/index.js';
import { callsOf, requestFor } from '../src/replication/context.js';
import { ACCOUNT, differentialCalls, oracleRuns } from './helpers/oracle.js';

const replication = {
  tableBucketARN: `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/src`,
  configuration: {
    role: `arn:aws:iam::${ACCOUNT}:role/R`,
    rules: [
      { destinations: [{ destinationTableBucketARN: `arn:aws:s3tables:us-west-2:${ACCOUNT}:bucket/dst` }] },
    ],
  },
};

const runs = oracleRuns(1500);

it(`agrees with iam-simulate on ${runs} requests of the role session, with known and absent keys`, async () => {
  const model = link(loadTexts([{ name: 'r.json', text: JSON.stringify(replication) }]));
  const setup = model.setups[0]!;
  const role = callsOf(model, setup).role!;
  await expect(
    differentialCalls((action, resource) => requestFor(role, action, resource), runs),
  ).resolves.toBeUndefined();
});
