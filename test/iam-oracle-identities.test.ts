/** Differential test: our evaluator vs @cloud-copilot/iam-simulate on generated cases (see helpers/oracle.ts). */
import { expect, it } from 'vitest';
import { differential, oracleRuns } from './helpers/oracle.js';

const runs = oracleRuns(3500);

it(`agrees with iam-simulate on ${runs} generated requests against two identity policies`, async () => {
  await expect(differential('identity', { min: 2, max: 2 }, runs)).resolves.toBeUndefined();
});
