// Module hooks (node --import ./trace-imports.mjs): append every @aws-sdk/* specifier that is
// resolved to the file named by S3TABLES_LINT_TRACE, to prove which runs load the SDK.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const file = process.env.S3TABLES_LINT_TRACE;
  if (file && specifier.startsWith('@aws-sdk/')) appendFileSync(file, `${specifier}\n`);
  return next(specifier, context);
}
