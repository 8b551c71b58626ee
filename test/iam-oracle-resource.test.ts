/** Differential test: our evaluator vs @cloud-copilot/iam-simulate on generated cases (see helpers/oracle.ts). */
import { expect, it } from 'vitest';
import { differential, oracleRuns } from './helpers/oracle.js';

const resource = oracleRuns(2500);
const trust = oracleRuns(1000);

it(`agrees with iam-simulate on ${resource} generated requests against a resource policy`, async () => {
  await expect(differential('resource', { min: 1, max: 1 }, resource)).resolves.toBeUndefined();
});

it(`agrees with iam-simulate on ${trust} generated sts requests against a trust policy`, async () => {
  await expect(differential('trust', { min: 1, max: 1 }, trust)).resolves.toBeUndefined();
});
