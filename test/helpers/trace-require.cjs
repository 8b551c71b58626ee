// Preload (node --require): append every @aws-sdk/* module the CommonJS loader is asked for to the
// file named by S3TABLES_LINT_TRACE, to prove which runs load the SDK.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload */
const Module = require('node:module');
const { appendFileSync } = require('node:fs');

const load = Module._load;
Module._load = function (request, ...rest) {
  const file = process.env.S3TABLES_LINT_TRACE;
  if (file && typeof request === 'string' && request.startsWith('@aws-sdk/'))
    appendFileSync(file, `${request}\n`);
  return load.call(this, request, ...rest);
};
