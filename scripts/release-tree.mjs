// Writes the tree a release tag points at: what pre-commit and the GitHub Action run, with nothing
// to build and, for the Action, nothing to install. `node scripts/release-tree.mjs OUT` (OUT may be
// a git worktree of the `release` branch: its .git is kept). See RELEASING.md.
//   - dist/ built here, schema/, README.md, LICENSE, CHANGELOG.md, .pre-commit-hooks.yaml;
//   - package.json without devDependencies or scripts: pre-commit's `npm install` then fetches only
//     the runtime dependencies and builds nothing;
//   - node_modules/ with the runtime dependencies (vendored, as GitHub's JavaScript actions bundle
//     theirs), and action.yml without its install step: the Action lints at once.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = resolve(process.argv[2] ?? '');
if (!process.argv[2] || out === resolve(root)) {
  console.error('usage: node scripts/release-tree.mjs OUT (a directory other than the repository)');
  process.exit(2);
}
if (!process.argv.includes('--no-build'))
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

mkdirSync(out, { recursive: true });
for (const entry of readdirSync(out))
  if (entry !== '.git') rmSync(join(out, entry), { recursive: true, force: true });

for (const f of ['dist', 'schema', 'README.md', 'LICENSE', 'CHANGELOG.md', '.pre-commit-hooks.yaml'])
  cpSync(join(root, f), join(out, f), { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
delete pkg.devDependencies;
delete pkg.scripts;
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

// The runtime dependency closure, as npm resolved it here (package-lock.json pins it).
const deps = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .map((p) => p.trim())
  .filter((p) => p !== '' && resolve(p) !== resolve(root));
for (const dir of deps) {
  const rel = relative(root, dir);
  if (!rel.startsWith('node_modules')) throw new Error(`unexpected dependency path ${dir}`);
  cpSync(dir, join(out, rel), { recursive: true });
}

// action.yml: the same steps, less the install (the tree holds what it runs).
const action = readFileSync(join(root, 'action.yml'), 'utf8');
const install = /\n {4}- name: Install s3tables-lint\n(?: {6}.*\n)+/;
if (!install.test(action)) throw new Error('action.yml: no "Install s3tables-lint" step to remove');
writeFileSync(
  join(out, 'action.yml'),
  action
    .replace(install, '\n')
    .replace(
      /^# A composite action: [^\n]*\n#[^\n]*\n/,
      '# A composite action, from a release tree: s3tables-lint is built and its dependencies are\n# vendored here (scripts/release-tree.mjs), so it lints at once; prints findings, writes SARIF.\n',
    ),
);
if (!existsSync(join(out, 'dist/cli.cjs'))) throw new Error('dist/cli.cjs missing');
console.log(`release tree in ${out}: ${deps.length} runtime packages vendored`);
