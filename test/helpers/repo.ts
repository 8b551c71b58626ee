import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './cases.js';

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

/**
 * This repository's working tree as a fresh one-commit git repository: tracked and untracked files,
 * not ignored ones (no node_modules, no dist). Tools that clone a repository at a commit
 * (pre-commit, npm pack) then see exactly the code under test, committed or not.
 */
export function snapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-snapshot-'));
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter((f) => f !== '');
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(dir, file));
    } catch {
      // Deleted in the working tree but still in the index: not part of the snapshot.
    }
  }
  git(dir, '-c', 'init.defaultBranch=main', 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'snapshot');
  return dir;
}

/** Is a command on PATH? */
export const installed = (command: string, ...args: string[]): boolean =>
  spawnSync(command, args.length > 0 ? args : ['--version'], { stdio: 'ignore' }).status === 0;
