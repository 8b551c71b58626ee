// What the rules marked `requiresAws` read from the audit's and the dry run's documents
// (src/load/aws.ts classifies them; src/aws/ writes them).
import type { AwsDoc, Model, Setup } from '../model.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The record inside an audit or dry-run document, and its key (for paths). */
export function recordOf(doc: AwsDoc): { key: string; record: Obj } | undefined {
  const key = doc.form === 'audit' ? 's3tablesLintAudit' : doc.form === 'dry-run' ? 's3tablesLintDryRun' : '';
  const data = doc.data as Obj;
  const record = key ? data[key] : undefined;
  return isRecord(record) ? { key, record } : undefined;
}

/** One failed read of an audit or a dry run (src/aws/records.ts writes them). */
export interface ReadErrorEntry {
  operation: string;
  resource: string;
  kind: string;
  code: string;
  message: string;
  subject?: string;
  config?: string;
  index: number;
}

export function readErrorsOf(doc: AwsDoc): { key: string; errors: ReadErrorEntry[] } | undefined {
  const r = recordOf(doc);
  if (!r || !Array.isArray(r.record['errors'])) return undefined;
  const errors: ReadErrorEntry[] = [];
  r.record['errors'].forEach((e: unknown, index) => {
    if (!isRecord(e)) return;
    const entry: ReadErrorEntry = {
      operation: str(e['operation']) ?? 'unknown',
      resource: str(e['resource']) ?? '',
      kind: str(e['kind']) ?? 'other',
      code: str(e['code']) ?? 'Error',
      message: str(e['message']) ?? '',
      index,
    };
    const subject = str(e['subject']);
    const config = str(e['config']);
    if (subject !== undefined) entry.subject = subject;
    if (config !== undefined) entry.config = config;
    errors.push(entry);
  });
  return { key: r.key, errors };
}

/** When the audit of an account read AWS (for "pending for how long"), from its audit record. */
export function auditTime(docs: readonly AwsDoc[], account: string): Date | undefined {
  for (const doc of docs) {
    const r = doc.form === 'audit' ? recordOf(doc) : undefined;
    if (!r || r.record['account'] !== account) continue;
    const at = new Date(str(r.record['auditedAt']) ?? '');
    if (!Number.isNaN(at.getTime())) return at;
  }
  return undefined;
}

/** The setup of the input configuration a dry-run or error record is about (by source ARN, and file when given). */
export function setupFor(model: Model, source: unknown, file?: unknown): Setup | undefined {
  return model.setups.find(
    (s) => s.source?.arn === source && (file === undefined || s.doc.file.name === file),
  );
}

/** A value from a record, for a message: strings as they are, anything else as bounded JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= typeof value;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
