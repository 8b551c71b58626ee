import { defineConfig } from 'vitest/config';

/**
 * Two suites. `fast` (npm test): the rule harness, units, e2e snapshots and a bounded differential
 * run. `integration` (npm run test:integration): the suites that drive real tools (pre-commit, npm
 * pack, Sarif.Multitool), the full differential run and the fuzz test. `npx vitest run <file>` runs
 * a file in whichever suite holds it.
 */
const INTEGRATION = [
  'test/precommit.test.ts',
  'test/package.test.ts',
  'test/sarif-multitool.test.ts',
  'test/fuzz.test.ts',
];
/** In both suites: a tenth of the generated cases in `fast`, all of them in `integration` (helpers/oracle.ts). */
const DIFFERENTIAL = 'test/iam-oracle-{identity,identities,resource,context}.test.ts';

// One JSON report per run in CI (.ci/run sums them into its closing "N passed, N failed" line).
const suite = /--project[= ](\S+)/.exec(process.argv.join(' '))?.[1] ?? 'all';
const report = `.tmp/vitest/${suite}-node${process.versions.node}.json`;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: INTEGRATION,
          env: { S3TL_SUITE: 'fast' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...INTEGRATION, DIFFERENTIAL],
          env: { S3TL_SUITE: 'integration' },
        },
      },
    ],
  },
});
