/** Differential test: our evaluator vs @cloud-copilot/iam-simulate on generated cases (see helpers/oracle.ts). */
import { expect, it } from 'vitest';
import { differential } from './helpers/oracle.js';

it('agrees with iam-simulate on 3500 generated requests against a resource policy', async () => {
  await expect(differential('resource', { min: 1, max: 1 }, 3500)).resolves.toBeUndefined();
});
