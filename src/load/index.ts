import { closeSync, fstatSync, openSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import {
  emptyDocuments,
  PARSE_ERROR,
  UNKNOWN_DOCUMENT,
  INPUT_SHAPE,
  type Doc,
  type Documents,
  type FileDoc,
  type LoadProblem,
  type SourceFile,
} from '../model.js';
import { classify } from './classify.js';
import { cloudformation, isTemplate } from './cloudformation.js';
import { displayName, expand, type ExpandOptions, type Target } from './files.js';
import { depthExceeds, JsonFile, parseJson } from './json.js';
import { readStdin } from './stdin.js';
import { UsageError } from '../errors.js';
import { pathLabel } from '../values.js';
import { isPlan, PlanError } from './terraform.js';
import { relocateToTf } from './tfroot.js';
import { mentionsCloudFormation, parseYaml, yamlLocator } from './yaml.js';

/** Larger files are reported, not read: policies are KB, authorization details tens of MB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Real policies nest about 6 deep; deeper input is hostile or not a policy. */
export const MAX_DEPTH = 64;

export interface LoadOptions extends ExpandOptions {
  /** Read stdin (for '-'); injectable for tests. */
  stdin?: () => Buffer;
  /** `--tf-root`: the Terraform root module directory (absolute) that plan findings point into. */
  tfRoot?: string;
}

export interface Loaded {
  documents: Documents;
  /** Absolute paths of every file read or scanned (not stdin): what --output must not replace. */
  inputs: string[];
  /** Things to tell the user that are not findings (e.g. an empty directory). */
  notes: string[];
}

export function load(args: readonly string[], options: LoadOptions): Loaded {
  const { targets, notes } = expand(args, options);
  const documents = emptyDocuments();
  for (const target of targets) readTarget(target, options, documents);
  return { documents, notes, inputs: targets.flatMap((t) => (t.path === '-' ? [] : [t.path])) };
}

/** Loads in-memory documents (the library API and tests). */
export function loadTexts(inputs: readonly { name: string; text: string }[]): Documents {
  const documents = emptyDocuments();
  for (const input of inputs)
    addText(documents, new JsonFile(input.name, input.text.replace(/^\uFEFF/, ''), true));
  return documents;
}

function readTarget(target: Target, options: LoadOptions, model: Documents): void {
  const name = target.path === '-' ? '<stdin>' : displayName(options.cwd, target.path);
  const file: JsonFile =
    target.path === '-'
      ? new JsonFile(name, '', target.explicit)
      : new DiskFile(name, target.explicit, target.path);
  if (target.path !== '-') {
    let text: string;
    try {
      // Refuse an oversized file before reading it into memory: its size from the open file, not
      // a stat of the path first (a second lookup per file is a tenth of a 10,000-file scan).
      // The strict byte path below runs only when U+FFFD shows up (invalid UTF-8 decodes to it).
      const fd = openSync(target.path, 'r');
      try {
        const size = fstatSync(fd).size;
        if (size > MAX_FILE_BYTES) return problem(model, file, tooLarge(size));
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } catch (cause) {
      return problem(model, file, cannotRead(target.path, cause));
    }
    if (!text.includes('\uFFFD')) {
      file.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      if (addText(model, file, options) && file instanceof DiskFile) file.forget(file.text.length);
      return;
    }
  }
  let bytes: Buffer;
  try {
    if (target.path !== '-') {
      // Refuse an oversized file before reading it into memory.
      const size = statSync(target.path).size;
      if (size > MAX_FILE_BYTES) return problem(model, file, tooLarge(size));
    }
    bytes =
      target.path === '-'
        ? (options.stdin ?? (() => readStdin(MAX_FILE_BYTES)))()
        : readFileSync(target.path);
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    return problem(model, file, cannotRead(target.path, cause));
  }
  if (bytes.length > MAX_FILE_BYTES) return problem(model, file, tooLarge(bytes.length));
  let text: string;
  try {
    // fatal: reject bytes that are not UTF-8 instead of silently replacing them. The BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, at)).replace(/^\uFEFF/, '');
    file.text = prefix;
    const what =
      at < bytes.length
        ? `byte 0x${(bytes[at] ?? 0).toString(16)} at offset ${at}`
        : 'it ends inside a character';
    return problem(model, file, `file is not valid UTF-8 (${what}); save it as UTF-8`, prefix.length);
  }
  file.text = text;
  if (addText(model, file, options) && file instanceof DiskFile) file.forget(text.length);
}

/**
 * Most files have no finding, and a kept copy of every text is most of the memory a large run
 * needs: a file that loaded cleanly drops its text and reads it again only if a finding needs a
 * position (a file whose length changed meanwhile gets positions at its start rather than wrong ones).
 */
class DiskFile extends JsonFile {
  #text: string | undefined = '';
  #length = 0;
  constructor(
    name: string,
    explicit: boolean,
    private readonly path: string,
  ) {
    super(name, '', explicit);
  }
  override get text(): string {
    return (this.#text ??= reread(this.path, this.#length));
  }
  override set text(value: string) {
    this.#text = value;
  }
  forget(length: number): void {
    this.#text = undefined;
    this.#length = length;
  }
}

function reread(path: string, length: number): string {
  try {
    const text = readFileSync(path, 'utf8');
    const bare = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return bare.length === length ? bare : '';
  } catch {
    return '';
  }
}

/** Parses and classifies one file; true when it loaded without a problem. */
function addText(
  model: Documents,
  file: SourceFile,
  options: Pick<LoadOptions, 'tfRoot' | 'cwd'> = { cwd: '' },
): boolean {
  const text = file.text;
  if (!/\S/.test(text)) return fail(model, file, 'file is empty; expected a JSON document');
  let parsed = parseJson(text);
  let yaml = false;
  // Not JSON and not meant to be (no leading { or [): YAML, e.g. a CloudFormation template.
  if ('error' in parsed && !/^\s*[[{]/.test(text)) {
    // A scan skips YAML that is no template without parsing it (workflows, compose files …).
    if (!file.explicit && !mentionsCloudFormation(text)) return false;
    parsed = parseYaml(text, { maxDepth: MAX_DEPTH });
    yaml = true;
    if (file instanceof JsonFile) file.useLocator(yamlLocator);
  }
  if ('error' in parsed)
    return fail(model, file, parsed.error.message, parsed.error.offset, parsed.error.length);
  const shapes: LoadProblem[] = [];
  const whole: FileDoc = { kind: 'file', file, root: [], data: undefined };
  let docs: ReturnType<typeof classify>;
  try {
    docs =
      'stream' in parsed
        ? templates(file, parsed.value as unknown[])
        : classify(file, parsed.value, (path, message, level) =>
            shapes.push({ ruleId: INPUT_SHAPE, doc: whole, message, path, ...(level ? { level } : {}) }),
          );
  } catch (cause) {
    if (cause instanceof PlanError) return fail(model, file, cause.message, cause.offset, cause.length);
    throw cause;
  }
  if (docs && options.tfRoot !== undefined && isPlan(parsed.value))
    relocateToTf(docs, parsed.value, options.tfRoot, options.cwd);
  if (!docs) {
    if (file.explicit) {
      problem(
        model,
        file,
        yaml
          ? 'YAML that is not a CloudFormation template (no AWSTemplateFormatVersion or AWS:: resources); this tool reads templates, and S3 Tables and IAM documents as JSON'
          : 'not an S3 Tables replication configuration or IAM document this tool reads (see the README for the accepted shapes)',
        0,
        0,
        UNKNOWN_DOCUMENT,
      );
    }
    return false;
  }
  if (depthExceeds(parsed.value, MAX_DEPTH)) {
    return fail(
      model,
      file,
      `JSON nests deeper than ${MAX_DEPTH} levels; no IAM or replication document does`,
    );
  }
  // A policy embedded as a string was parsed on its own: it is held to the same limit.
  const deep = docs.find(
    (d) => d.kind === 'policy' && d.encoded === true && depthExceeds(d.data, MAX_DEPTH - d.root.length),
  );
  if (deep) {
    const at = file.locate(deep.root);
    return fail(
      model,
      file,
      `the policy embedded as a string at ${pathLabel(deep.root)} nests deeper than ${MAX_DEPTH} levels; no IAM policy does`,
      at.offset,
      at.length,
    );
  }
  model.files.push(file);
  model.problems.push(...shapes);
  for (const doc of docs) {
    if (doc.kind === 'replication') model.replications.push(doc);
    else if (doc.kind === 'policy') model.policies.push(doc);
    else if (doc.kind === 'role') model.roles.push(doc);
    else if (doc.kind === 'encryption') model.encryptions.push(doc);
    else if (doc.kind === 'principal') model.principals.push(doc);
    else if (doc.kind === 'aws') model.aws.push(doc);
  }
  return true;
}

/** The templates of a stream of YAML documents (null when one is no template). */
function templates(file: SourceFile, values: readonly unknown[]): Doc[] | null {
  const docs: Doc[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue; // an empty document (a trailing ---)
    if (!isTemplate(value)) return null;
    docs.push(...cloudformation(file, value, [i]));
  }
  return docs;
}

const fail = (...args: Parameters<typeof problem>): false => {
  problem(...args);
  return false;
};

function problem(
  model: Documents,
  file: SourceFile,
  message: string,
  offset = 0,
  length = 0,
  ruleId: LoadProblem['ruleId'] = PARSE_ERROR,
): void {
  if (!model.files.includes(file)) model.files.push(file);
  const doc: FileDoc = { kind: 'file', file, root: [], data: undefined };
  model.problems.push({ ruleId, doc, message, offset, length });
}

function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix with no invalid sequence, by bisection; a streaming decode only fails on a
  // bad byte (an incomplete tail waits for more), so validity is monotonic in the prefix length.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // The failing byte may end a sequence that began with a lead byte just before it.
  for (let k = 1; k <= 3 && lo - k >= 0; k++) {
    const b = bytes[lo - k] ?? 0;
    if (b >= 0xc0) return lo - k;
    if (b < 0x80) break;
  }
  return lo;
}

const tooLarge = (size: number): string =>
  `file is ${(size / 1048576).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1048576} MiB limit; split it`;

/** Why a file cannot be read, in words, with the system's code for searching. */
function cannotRead(path: string, cause: unknown): string {
  const code = errorCode(cause);
  const link = path === '-' ? undefined : linkTarget(path);
  const why =
    code === 'ELOOP'
      ? 'it is a symbolic link that loops'
      : code === 'ENOENT' && link !== undefined
        ? `it is a symbolic link to ${link}, which does not exist`
        : code === 'ENOENT'
          ? 'it no longer exists'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a directory'
              : undefined;
  return `cannot read file: ${why ? `${why} (${code})` : code}`;
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

const errorCode = (cause: unknown): string =>
  cause instanceof Error && 'code' in cause ? String((cause as { code: unknown }).code) : String(cause);
