import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

// The package as users get it: `npm pack` (dist/ was built by `npm test`; --ignore-scripts so this
// test does not rebuild dist/ under the other tests' feet), installed from the tarball into an
// empty project with the registry's dependencies, then run and imported there.
const npm = (cwd: string, ...args: string[]) =>
  spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
      NO_COLOR: '1',
    },
  });

interface Packed {
  filename: string;
  files: { path: string }[];
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
};

let packed: Packed;
let project = '';

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 's3tl-pack-'));
  const r = npm(ROOT, 'pack', '--ignore-scripts', '--json', '--pack-destination', out);
  expect(r.status, r.stderr).toBe(0);
  packed = (JSON.parse(r.stdout) as Packed[])[0] as Packed;
  project = mkdtempSync(join(tmpdir(), 's3tl-consumer-'));
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  const install = npm(project, 'install', '--no-package-lock', join(out, packed.filename));
  expect(install.status, install.stderr).toBe(0);
  cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true });
}, 300_000);

describe('the packed tarball', () => {
  it('holds the built CLI, library, types and config schema, and no tests, fixtures or sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/cli.cjs',
      'dist/cli.js',
      'dist/index.js',
      'dist/types/src/index.d.ts',
      'schema/s3tables-lint.schema.json',
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => /^(test|fixtures|examples|src|rules|scripts|bench|docs)\//.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('package.json points bin, main, types and exports at files in the tarball', () => {
    const files = packed.files.map((f) => f.path);
    const strip = (p: string): string => p.replace(/^\.\//, '');
    expect(files).toContain(strip(pkg.bin['s3tables-lint'] ?? ''));
    expect(files).toContain(strip(pkg.types));
    const root = pkg.exports['.'] as Record<string, string>;
    expect(files).toContain(strip(root['types'] ?? ''));
    expect(files).toContain(strip(root['import'] ?? ''));
  });
});

describe('installed from the tarball into an empty project', () => {
  it('npx s3tables-lint lints a copied example: clean is exit 0, saying only what it did not check', () => {
    const r = spawnSync('npx', ['--no-install', 's3tables-lint', 'examples/table-level'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    expect(r.status).toBe(0);
    // No finding; the caller's policy is not bound, and that is said.
    expect(r.stdout).toMatch(/^not checked: caller-permissions: /m);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .every((l) => l.startsWith('not checked: ')),
    ).toBe(true);
  });

  it('npx s3tables-lint reports what the repository build reports, with the same exit code', () => {
    writeFileSync(join(project, 'examples', 'truncated.json'), '{ "Version": "2012-10-17", "Statement": [');
    const installed = spawnSync('npx', ['--no-install', 's3tables-lint', 'examples/'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const repo = cli(['examples/'], { cwd: project });
    expect(installed.status).toBe(1);
    expect(installed.stdout).toContain('examples/truncated.json:1:42 error parse-error invalid JSON');
    expect({ status: installed.status, stdout: installed.stdout }).toEqual({
      status: repo.status,
      stdout: repo.stdout,
    });
  });

  // tsc checks the package's declarations too (skipLibCheck: false): slow on a busy machine.
  it(
    "import { lint } from 's3tables-lint' works at run time and type-checks with the package's types",
    { timeout: 300_000 },
    () => {
      writeFileSync(
        join(project, 'consumer.ts'),
        [
          "import { lint, text, type LintOptions, type LintResult } from 's3tables-lint';",
          "const options: LintOptions = { skip: ['unknown-document'] };",
          "const result: LintResult = await lint(['examples/table-level'], options);",
          'const count: number = result.findings.length;',
          'process.stdout.write(`${count}\\n${text(result, { color: false })}`);',
          '',
        ].join('\n'),
      );
      const tsconfig = {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      const ok = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
      expect(ok.stdout + ok.stderr).toBe('');
      expect(ok.status).toBe(0);

      // The types are real, not `any`: a wrong use is an error.
      writeFileSync(
        join(project, 'consumer.ts'),
        "import { lint } from 's3tables-lint';\nconst files: string = (await lint([])).files;\nexport { files };\n",
      );
      const bad = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
      expect(bad.stdout).toContain("error TS2322: Type 'number' is not assignable to type 'string'");

      const run = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "import { lint } from 's3tables-lint'; const r = await lint(['examples/table-level']); console.log(r.files, r.findings.length);",
        ],
        { cwd: project, encoding: 'utf8' },
      );
      expect(run).toBe('4 0\n');
    },
  );

  it('ships the config schema at a stable path', () => {
    const schema = JSON.parse(
      readFileSync(join(project, 'node_modules/s3tables-lint/schema/s3tables-lint.schema.json'), 'utf8'),
    ) as { title: string };
    expect(schema.title).toContain('.s3tables-lint.json');
  });
});
