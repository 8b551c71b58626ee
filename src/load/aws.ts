import type { AwsDoc, SourceFile } from '../model.js';

/** The shapes the audit and the dry run write (and `aws s3tables get-table-replication-status` prints). */
export function classifyAws(file: SourceFile, value: Record<string, unknown>): AwsDoc | undefined {
  const form: AwsDoc['form'] | undefined =
    typeof value['sourceTableArn'] === 'string' && Array.isArray(value['destinations'])
      ? 'replication-status'
      : isRecord(value['s3tablesLintAudit'])
        ? 'audit'
        : isRecord(value['s3tablesLintDryRun'])
          ? 'dry-run'
          : undefined;
  return form && { kind: 'aws', form, file, root: [], data: value };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
