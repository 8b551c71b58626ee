// Preload used when /usr/bin/time is missing: writes the process's peak RSS (KiB) at exit.
const file = process.env.S3TL_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
