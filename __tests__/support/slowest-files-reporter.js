/**
 * A jest reporter: after a run of more than one test file, the ten slowest files with their
 * seconds, so that CI time (a fresh-machine .ci/run stays under 60 minutes) is watched file by file.
 * In every jest config next to the default reporter.
 */
const path = require("node:path");

/** The `count` slowest test files of `results` (jest's testResults): [{ file, seconds }], slowest first. */
function slowestFiles(results, rootDir, count = 10) {
  return results
    .filter((r) => r.perfStats && r.perfStats.end > r.perfStats.start)
    .map((r) => ({ file: path.relative(rootDir, r.testFilePath), seconds: (r.perfStats.end - r.perfStats.start) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds || a.file.localeCompare(b.file))
    .slice(0, count);
}

/** The lines printed: a heading, then one `  12.3 s  path` line a file. */
function renderSlowest(rows) {
  const width = Math.max(...rows.map((r) => r.seconds.toFixed(1).length));
  return [`Slowest ${rows.length} test files:`, ...rows.map((r) => `  ${r.seconds.toFixed(1).padStart(width)} s  ${r.file}`)].join("\n");
}

class SlowestFilesReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, aggregated) {
    const rows = slowestFiles(aggregated.testResults, this.rootDir);
    if (aggregated.testResults.length < 2 || rows.length === 0) return;
    process.stderr.write(`\n${renderSlowest(rows)}\n`);
  }
}

module.exports = SlowestFilesReporter;
module.exports.slowestFiles = slowestFiles;
module.exports.renderSlowest = renderSlowest;
