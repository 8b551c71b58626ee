// One policy with many statements, whole process (`node dist/cli.js policy.json`): 1,000 statements
// must lint in ≤ 100 ms, and time must stay linear (10,000 vs 2,500 statements: ≤ 5×, linear is 4×).
// Runs on its own (`node bench/statements.mjs [--runs N]`, after `npm run build`) or as a section
// of bench/run.mjs (default export: { name, title, run({ runs }) → { rows, goals, note } }).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.js');

/** Statement i of a realistic identity policy: replication-role, PassRole and KMS statements, varied. */
export function statement(i) {
  const account = String(111122220000 + (i % 10_000)).padStart(12, '0');
  const bucket = `arn:aws:s3tables:us-east-2:${account}:bucket/team-${i}`;
  switch (i % 5) {
    case 0:
      return {
        Sid: `Read${i}`,
        Effect: 'Allow',
        Action: ['s3tables:GetTable', 's3tables:GetTableMetadataLocation', 's3tables:GetTableData'],
        Resource: `${bucket}/table/*`,
        Condition: { StringEquals: { 's3tables:namespace': `ns${i}`, 'aws:ResourceTag/team': `t${i}` } },
      };
    case 1:
      return {
        Sid: `Create${i}`,
        Effect: 'Allow',
        Action: ['s3tables:CreateTable', 's3tables:CreateNamespace', 's3tables:ListTables'],
        Resource: bucket,
      };
    case 2:
      return {
        Sid: `PassRole${i}`,
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:aws:iam::${account}:role/S3TablesReplicationRole${i}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' } },
      };
    case 3:
      return {
        Sid: `Keys${i}`,
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: `arn:aws:kms:us-east-2:${account}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444455556666`,
      };
    default:
      return {
        Sid: `DenyDelete${i}`,
        Effect: 'Deny',
        Action: 's3tables:Delete*',
        Resource: `${bucket}/table/*`,
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      };
  }
}

export const policy = (n) => ({
  Version: '2012-10-17',
  Statement: Array.from({ length: n }, (_, i) => statement(i)),
});

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return { ms: s[s.length >> 1], min: s[0], max: s[s.length - 1] };
}

/** `runs` whole-process runs after one warm-up; median wall time. */
function time(file, runs, args = [CLI, file]) {
  const once = () => {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, {
      stdio: 'ignore',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (r.status !== 0) throw new Error(`${file}: exit ${r.status} (the generated policy should lint clean)`);
    return performance.now() - start;
  };
  once();
  return median(Array.from({ length: runs }, once));
}

const fmt = (m) => `${m.ms.toFixed(1)} ms [${m.min.toFixed(1)}–${m.max.toFixed(1)}]`;
const goal = (label, value, limit, unit) => ({
  ok: value <= limit,
  line: `${value <= limit ? 'ok  ' : 'MISS'} ${label}: ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit})`,
});

const section = {
  name: 'statements',
  title: 'One policy with many statements (node dist/cli.js policy.json)',
  run({ runs }) {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build');
    const dir = mkdtempSync(join(tmpdir(), 's3tl-bench-statements-'));
    try {
      const sizes = [1_000, 2_500, 10_000];
      const results = new Map();
      for (const n of sizes) {
        const file = join(dir, `policy-${n}.json`);
        writeFileSync(file, `${JSON.stringify(policy(n), null, 2)}\n`);
        results.set(n, time(file, runs));
      }
      // Floors on this machine, now: an empty Node process, and reading + parsing the 1,000-statement file.
      const empty = time('node -e 0', runs, ['-e', '0']);
      const parse = time('read + parse', runs, [
        '-e',
        'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))',
        join(dir, 'policy-1000.json'),
      ]);
      const ratio = results.get(10_000).ms / results.get(2_500).ms;
      return {
        note: `floors: node -e 0 ${fmt(empty)}; read + JSON.parse of the 1,000-statement file ${fmt(parse)}`,
        rows: sizes.map((n) => [`${n.toLocaleString('en')} statements`, fmt(results.get(n)), '']),
        goals: [
          goal('1,000 statements', results.get(1_000).ms, 100, ' ms'),
          goal('10,000 / 2,500 statements', ratio, 5, '×'),
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
  const result = section.run({ runs: Number(values.runs) });
  console.log(`## ${section.title}\n${result.note}`);
  for (const [label, t] of result.rows) console.log(`  ${label.padEnd(18)} ${t}`);
  for (const g of result.goals) console.log(`  ${g.line}`);
  if (result.goals.some((g) => !g.ok)) process.exitCode = 1;
}
