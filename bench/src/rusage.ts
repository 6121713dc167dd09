import { writeFileSync } from "node:fs";

// Preloaded (`node --import`) into a measured process when /usr/bin/time is missing: writes the
// process's own CPU time and peak RSS where BENCH_RUSAGE_FILE says, as it exits.

const target = process.env.BENCH_RUSAGE_FILE;
if (target !== undefined && target !== "") {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ userMs: usage.userCPUTime / 1000, sysMs: usage.systemCPUTime / 1000, maxRssKb: usage.maxRSS })
    );
  });
}
