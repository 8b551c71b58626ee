/** Differential test: our evaluator vs @cloud-copilot/iam-simulate on generated cases (see helpers/oracle.ts). */
import { expect, it } from 'vitest';
import { differential } from './helpers/oracle.js';

it('agrees with iam-simulate on 2500 generated requests against a resource policy', async () => {
  await expect(differential('resource', { min: 1, max: 1 }, 2500)).resolves.toBeUndefined();
});

it('agrees with iam-simulate on 1000 generated sts requests against a trust policy', async () => {
  await expect(differential('trust', { min: 1, max: 1 }, 1000)).resolves.toBeUndefined();
});
