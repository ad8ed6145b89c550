// Preloaded into a benchmarked process: on exit, writes its peak resident set size (KiB)
// and wall time since start to the file named by PROXIMATE_BENCH_REPORT.
const { writeFileSync } = require("node:fs");
const started = process.hrtime.bigint();
process.on("exit", () => {
  const file = process.env.PROXIMATE_BENCH_REPORT;
  if (file) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, seconds }));
  }
});
