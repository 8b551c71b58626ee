import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// The oracle is AGPL: only tests may import it, never shipped code.
const AGPL = {
  group: ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-simulate/*'],
  message: 'AGPL oracle: tests only.',
};

/**
 * The layering (docs/architecture.md): data flows cli → plan → load → link → engine → suppress →
 * reporters. Each entry forbids the arrows that would run back up; `no-restricted-imports`
 * replaces its options per block, so every block repeats the AGPL ban.
 */
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [AGPL, ...forbidden] }],
  },
});
const no = (group, message) => ({ group, message });
const AWS = no(
  ['**/aws/*', '**/aws/**'],
  'Only src/cli.ts loads src/aws/ (dynamically): the offline path imports no AWS code.',
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/generated/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [AGPL] }],
    },
  },
  layer(['src/**/*.ts', 'rules/**/*.ts'], [AWS]),
  // Leaves: the model, value and text helpers, the result types.
  layer(
    ['src/model.ts', 'src/values.ts', 'src/text.ts', 'src/result.ts', 'src/errors.ts', 'src/deps.ts'],
    [
      AWS,
      no(['./*', '!./model.js', '!./values.js'], 'A leaf module imports only the model and value helpers.'),
    ],
  ),
  // IAM semantics are pure: no engine, rule, loader, linking or replication code.
  layer(
    ['src/iam/**/*.ts'],
    [
      AWS,
      no(
        ['../*', '!../model.js', '!../values.js', '!../errors.js'],
        'src/iam/ imports only the model and value helpers.',
      ),
    ],
  ),
  layer(
    ['src/load/**/*.ts'],
    [
      AWS,
      no(
        [
          '../*',
          '!../model.js',
          '!../values.js',
          '!../text.js',
          '!../errors.js',
          '!../deps.js',
          '../../rules/*',
        ],
        'The loader reads and classifies: it knows no engine, rule, link or reporter.',
      ),
    ],
  ),
  layer(
    ['src/reporters/**/*.ts'],
    [
      AWS,
      no(
        ['../*', '!../result.js', '!../model.js', '!../values.js', '!../text.js'],
        'Reporters are pure functions of src/result.ts.',
      ),
    ],
  ),
  layer(
    ['src/link.ts'],
    [
      AWS,
      no(
        ['./engine.js', './rule.js', './lint.js', './suppress.js', './reporters/*', './cli.js', '../rules/*'],
        'Linking comes before the engine.',
      ),
    ],
  ),
  layer(
    ['src/engine.ts', 'src/rule.ts'],
    [
      AWS,
      no(
        [
          './lint.js',
          './cli.js',
          './plan.js',
          './suppress.js',
          './config.js',
          './link.js',
          './load/*',
          './reporters/*',
          '../rules/*',
        ],
        'The engine runs rules on a linked model; it knows no orchestration, loader or reporter.',
      ),
    ],
  ),
  layer(
    ['src/replication/**/*.ts'],
    [
      AWS,
      no(
        [
          '../engine.js',
          '../lint.js',
          '../cli.js',
          '../plan.js',
          '../suppress.js',
          '../load/*',
          '../reporters/*',
          '../../rules/*',
        ],
        'The replication domain knows no orchestration.',
      ),
    ],
  ),
  layer(
    ['rules/**/*.ts'],
    [
      AWS,
      no(
        [
          '../src/cli.js',
          '../src/lint.js',
          '../src/plan.js',
          '../src/link.js',
          '../src/engine.js',
          '../src/load/*',
          '../src/reporters/*',
        ],
        'Rules read the linked model; they do not load, link or report.',
      ),
    ],
  ),
  layer(['src/cli.ts', 'src/aws/**/*.ts'], []),
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
