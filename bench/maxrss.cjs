// Preload used when /usr/bin/time is missing: writes the process's peak RSS (KiB) and CPU
// seconds (user, system) at exit, in GNU time's "%M %U %S" layout.
const file = process.env.S3TL_BENCH_RSS_FILE;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
const { writeFileSync } = require('node:fs');
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    const line = `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`;
    writeFileSync(file, line);
  });
}
