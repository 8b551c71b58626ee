/**
 * `--tf-root DIR`: findings on a Terraform plan point at the `.tf` block of the resource address
 * instead of the plan JSON. The root module is DIR; a child module's directory is its call's local
 * `source` (a registry module has none here: its findings stay in the plan). Within a block, a
 * path's last member name finds its attribute line (`role = …`); otherwise the block's first line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Doc, Path, SourceFile, TextRange } from '../model.js';
import { isObject } from '../values.js';
import { displayName } from './files.js';

/** .tf files larger than this are not read for positions (the plan positions stay). */
const MAX_TF_BYTES = 4 * 1024 * 1024;

interface Block {
  file: TfFile;
  start: number;
  end: number;
}

class TfFile implements SourceFile {
  readonly explicit = false;
  readonly #blocks = new Map<number, number>();
  constructor(
    readonly name: string,
    readonly text: string,
  ) {}
  /** Registers a block so that locate can find attributes inside it. */
  block(start: number, end: number): void {
    this.#blocks.set(start, end);
  }
  locate(): TextRange {
    return { offset: 0, length: 0 };
  }
  /** The line of `attribute =` inside the block, else the block's first line. */
  within(start: number, end: number, path: Path): TextRange {
    const firstLine = (at: number): TextRange => {
      const eol = this.text.indexOf('\n', at);
      return { offset: at, length: (eol === -1 || eol > end ? end : eol) - at };
    };
    for (let i = path.length - 1; i >= 0; i--) {
      const name = path[i];
      if (typeof name !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(name)) continue;
      let at = start;
      while (at < end) {
        const eol = this.text.indexOf('\n', at);
        const line = this.text.slice(at, eol === -1 || eol > end ? end : eol);
        const trimmed = line.trimStart();
        if (trimmed.startsWith(name) && /^\s*=/.test(trimmed.slice(name.length))) {
          return firstLine(at + line.length - trimmed.length);
        }
        if (eol === -1) break;
        at = eol + 1;
      }
      break;
    }
    return firstLine(start);
  }
}

/** A plan document's file and positions, moved to the block of its address. */
class BlockFile implements SourceFile {
  readonly explicit = false;
  constructor(readonly at: Block) {}
  get name(): string {
    return this.at.file.name;
  }
  get text(): string {
    return this.at.file.text;
  }
  locate(path: Path): TextRange {
    return this.at.file.within(this.at.start, this.at.end, path);
  }
}

const BLOCK = /^(resource|data)[ \t]+"([^"\n]+)"[ \t]+"([^"\n]+)"[ \t]*\{/gm;
const TOP =
  /^(resource|data|module|variable|output|locals|provider|terraform|moved|import|check|removed)\b/gm;

/** The blocks of one module directory, by `type.name` or `data.type.name`. */
function blocksOf(dir: string, cwd: string): Map<string, Block> {
  const out = new Map<string, Block>();
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.tf'))
      .sort();
  } catch {
    return out;
  }
  for (const n of names) {
    const path = join(dir, n);
    let text: string;
    try {
      if (statSync(path).size > MAX_TF_BYTES) continue;
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const file = new TfFile(displayName(cwd, path), text);
    const starts: number[] = [];
    for (const m of text.matchAll(TOP)) starts.push(m.index);
    for (const m of text.matchAll(BLOCK)) {
      const start = m.index;
      const end = starts.find((s) => s > start) ?? text.length;
      file.block(start, end);
      const key = m[1] === 'data' ? `data.${m[2]}.${m[3]}` : `${m[2]}.${m[3]}`;
      if (!out.has(key)) out.set(key, { file, start, end });
    }
  }
  return out;
}

/** Local module directories by module address (`module.a.module.b`), from the plan's configuration. */
function moduleDirs(plan: Record<string, unknown>, root: string): Map<string, string> {
  const out = new Map<string, string>([['', root]]);
  const walk = (module: unknown, prefix: string, dir: string, depth: number): void => {
    if (!isObject(module) || depth > 32) return;
    const calls = module['module_calls'];
    if (!isObject(calls)) return;
    for (const [name, call] of Object.entries(calls)) {
      if (!isObject(call) || typeof call['source'] !== 'string') continue;
      const source = call['source'];
      if (!source.startsWith('./') && !source.startsWith('../')) continue;
      const address = `${prefix}module.${name}`;
      const child = resolve(dir, source);
      out.set(address, child);
      walk(call['module'], `${address}.`, child, depth + 1);
    }
  };
  const config = plan['configuration'];
  walk(isObject(config) ? config['root_module'] : undefined, '', root, 0);
  return out;
}

/** Moves the documents of a plan to the `.tf` blocks of their addresses (those that are found). */
export function relocateToTf(
  docs: readonly Doc[],
  plan: Record<string, unknown>,
  root: string,
  cwd: string,
): void {
  const dirs = moduleDirs(plan, root);
  const cache = new Map<string, Map<string, Block>>();
  for (const doc of docs) {
    const address = doc.logicalLocation;
    if (address === undefined) continue;
    // module.a[0].module.b.aws_iam_role.r["k"] → module "module.a.module.b", resource "aws_iam_role.r"
    const plain = address.replace(/\[[^\]]*\]/g, '');
    const parts = plain.split('.');
    let i = 0;
    while (parts[i] === 'module' && i + 2 < parts.length) i += 2;
    const module = parts.slice(0, i).join('.');
    const resource = parts.slice(i).join('.');
    const dir = dirs.get(module);
    if (dir === undefined) continue;
    let blocks = cache.get(dir);
    if (!blocks) cache.set(dir, (blocks = blocksOf(dir, cwd)));
    const block = blocks.get(resource);
    if (block) doc.file = new BlockFile(block);
  }
}
