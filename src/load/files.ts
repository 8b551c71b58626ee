import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { minimatchLib } from '../deps.js';
import { UsageError } from '../errors.js';
import { escapeControl } from '../values.js';
import { globProblem, MAX_BRACE_PATTERNS, showGlob } from './glob.js';

export interface Target {
  /** Absolute path, or '-' for stdin. */
  path: string;
  /** Named on the command line rather than found by a scan or a glob. */
  explicit: boolean;
}

export interface ExpandOptions {
  cwd: string;
  include: readonly string[];
  exclude: readonly string[];
}

/** JSON documents, and templates written as YAML (a YAML file that is no template is skipped). */
export const DEFAULT_INCLUDE = ['**/*.json', '**/*.yaml', '**/*.yml', '**/*.template'];
/**
 * Never AWS documents: JSON with comments (tsconfig, jsconfig, VS Code, devcontainer), which would be
 * parse errors, and lockfiles. A repository root then lints clean as it is.
 */
export const DEFAULT_EXCLUDE = [
  '**/node_modules/**',
  '**/.git/**',
  '**/tsconfig*.json',
  '**/jsconfig*.json',
  '**/.vscode/**',
  '**/.devcontainer/**',
  '**/.devcontainer.json',
  '**/package-lock.json',
];

const GLOB = /[*?[\]{}]/;

/** Expands command-line paths into files, in a stable order, each once. */
export function expand(
  args: readonly string[],
  options: ExpandOptions,
): { targets: Target[]; notes: string[] } {
  const targets: Target[] = [];
  const notes: string[] = [];
  // Notes quote paths: their control characters are escaped here, for the library's callers too.
  const say = (note: string): void => void notes.push(escapeControl(note));
  const seen = new Set<string>();
  const add = (path: string, explicit: boolean): void => {
    if (seen.has(path)) return;
    seen.add(path);
    targets.push({ path, explicit });
  };
  for (const arg of args) {
    if (arg === '-') {
      add('-', true);
      continue;
    }
    const abs = resolve(options.cwd, arg);
    const stat = statOrUndefined(abs);
    if (stat?.isFile()) {
      add(abs, true);
    } else if (stat?.isDirectory()) {
      const before = targets.length;
      walk(abs, options, (file) => add(file, false), say);
      if (targets.length === before)
        say(`no files to lint in ${arg} (looked for ${options.include.join(', ')})`);
    } else if (GLOB.test(arg)) {
      const bad = globProblem(arg);
      if (bad) throw new UsageError(`${showGlob(arg)}: ${bad}`);
      const base = resolve(options.cwd, staticBase(arg));
      const pattern = matcher([toPosix(resolve(options.cwd, arg))], false);
      const before = targets.length;
      if (statOrUndefined(base)?.isDirectory()) {
        walk(
          base,
          { ...options, include: ['**'] },
          (file) => {
            if (pattern(toPosix(file))) add(file, false);
          },
          (note, file) => {
            if (pattern(toPosix(file))) say(note);
          },
        );
      }
      if (targets.length === before) throw new UsageError(`no files match the pattern ${arg}`);
    } else if (stat) {
      throw new UsageError(`not a file or directory: ${arg}`);
    } else if (isLink(abs)) {
      add(abs, true); // a dangling or looping link: the reader reports it as a finding
    } else {
      throw new UsageError(`no such file or directory: ${arg}`);
    }
  }
  return { targets, notes };
}

/**
 * Files under root, by the include and exclude globs. What is not read is said (`skip`): a FIFO,
 * socket or device (reading one blocks or never ends), and a symbolic link out of the scanned
 * tree (a pull request's `usr -> /usr` would scan the runner's disk; `key.json -> ~/.aws/…` read it).
 */
function walk(
  root: string,
  options: ExpandOptions,
  visit: (file: string) => void,
  skip: (note: string, file: string) => void,
): void {
  const include = matcher(options.include, true);
  const exclude = matcher(options.exclude, true);
  // `dir/**` patterns already pruned the directories a file could sit in; test files only against the others.
  const excludeFile = matcher(
    options.exclude.filter((g) => !g.endsWith('/**')),
    true,
  );
  const visited = new Set<string>();
  const top = realOrUndefined(root) ?? root;
  const show = (full: string): string => (full === options.cwd ? '.' : displayName(options.cwd, full));
  const inside = (real: string): boolean =>
    real === top || real.startsWith(top.endsWith(sep) ? top : top + sep);
  // Each directory with its path relative to root (posix), so entries need no path.relative.
  const stack: [string, string][] = [[root, '']];
  while (stack.length > 0) {
    const [dir, relDir] = stack.pop() as [string, string];
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue; // a dangling or looping link: nothing below it to read
    }
    if (visited.has(real)) continue; // a symlink cycle
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (cause) {
      throw new UsageError(`cannot read directory ${relative(options.cwd, dir) || '.'}: ${code(cause)}`);
    }
    const files: string[] = [];
    const dirs: [string, string][] = [];
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const wanted = (): boolean => include(rel) && !excludeFile(rel);
      if (entry.isSymbolicLink()) {
        const target = statOrUndefined(full);
        isDir = target?.isDirectory() ?? false;
        // A link that loops or dangles is still a file the user put there: the reader reports it.
        isFile = target ? target.isFile() : include(rel);
        const real = target ? realOrUndefined(full) : undefined;
        if (target && !isDir && !isFile) {
          if (wanted())
            skip(`skipped ${show(full)}: a symbolic link to ${special(target)}, not a regular file`, full);
          continue;
        }
        if (real !== undefined && !inside(real)) {
          if (isDir ? !exclude(`${rel}/`) && !exclude(`${rel}/x`) : wanted())
            skip(`not following ${show(full)}: a symbolic link out of ${show(root)} (to ${real})`, full);
          continue;
        }
      } else if (!isDir && !isFile) {
        if (wanted()) skip(`skipped ${show(full)}: ${special(entry)}, not a regular file`, full);
        continue;
      }
      if (isDir) {
        if (!exclude(`${rel}/`) && !exclude(`${rel}/x`)) dirs.push([full, rel]);
      } else if (isFile && include(rel) && !excludeFile(rel)) {
        files.push(full);
      }
    }
    files.sort().forEach(visit);
    stack.push(...dirs.sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0)));
  }
}

/** Compiles globs once per scan (a scan tests every file against them). */
export function matcher(globs: readonly string[], dot: boolean): (path: string) => boolean {
  const tests = globs.map((g) => {
    const bad = globProblem(g);
    if (bad) throw new UsageError(`scan glob ${showGlob(g)}: ${bad}`);
    const mm = new (minimatchLib().Minimatch)(g, { dot, braceExpandMax: MAX_BRACE_PATTERNS });
    // `**/*.json`, the default, is a suffix test (minimatch for ".", ".." and a trailing "/").
    const suffix = dot ? /^\*\*\/\*((?:\.[A-Za-z0-9_-]+)+)$/.exec(g)?.[1] : undefined;
    if (suffix === undefined) return (p: string) => mm.match(p);
    return (p: string) => (p.includes('./') || p.endsWith('/') ? mm.match(p) : p.endsWith(suffix));
  });
  return (path) => tests.some((t) => t(path));
}

function staticBase(glob: string): string {
  const parts = glob.split(/[\\/]/);
  const index = parts.findIndex((p) => GLOB.test(p));
  return parts.slice(0, index).join('/') || '.';
}

export const toPosix = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

/** Relative to cwd with forward slashes; a path under cwd (the common case) skips path.relative. */
export function displayName(cwd: string, path: string): string {
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep;
  if (path.startsWith(prefix) && path.length > prefix.length) return toPosix(path.slice(prefix.length));
  return toPosix(relative(cwd, path)) || path;
}

/**
 * Why a path named as a file (a binding, a config file) is not one, in words; undefined when it
 * is a regular file (links followed). A FIFO must be refused before reading: the read would block.
 */
export function fileProblem(path: string, name: string): string | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch (cause) {
    const why = code(cause);
    if (why === 'ELOOP') return `${name} is a symbolic link that loops, not a file`;
    if (why === 'ENOENT') {
      const link = linkOrUndefined(path);
      return link === undefined
        ? `no such file: ${name}`
        : `${name} is a symbolic link to ${link}, which does not exist`;
    }
    return `cannot read ${name}: ${why}`;
  }
  if (stat.isFile()) return undefined;
  return `${name} is ${stat.isDirectory() ? 'a directory' : special(stat)}, not a file`;
}

function linkOrUndefined(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** "a FIFO", "a socket", "a character device", … for notes. */
function special(s: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'neither a file nor a directory';
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const code = (cause: unknown): string =>
  cause instanceof Error && 'code' in cause ? String((cause as { code: unknown }).code) : String(cause);
