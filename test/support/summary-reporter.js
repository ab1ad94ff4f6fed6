// Prints, at the end of a jest run, each project's time (the span from its first file's start to
// its last file's end; projects run side by side, so spans overlap) and one plain closing line
// ("tests: N passed, N failed") that any CI log reader understands, with jest's own counts. A
// suite that failed before any test ran is named on a line of its own (jest counts it under
// "Test Suites", not "Tests"). With CONTRACTS_TEST_SUMMARY=<file> it also writes them as JSON
// for scripts/test.js, which prints the closing line itself after the other phases.
const { writeFileSync, mkdirSync } = require('node:fs');
const { dirname, relative } = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const projects = new Map();
    for (const file of results.testResults) {
      const name = file.displayName?.name ?? file.displayName ?? 'default';
      const p = projects.get(name) ?? { files: 0, tests: 0, start: Infinity, end: 0 };
      p.files += 1;
      p.tests += file.numPassingTests + file.numFailingTests + file.numPendingTests;
      if (file.perfStats?.start) p.start = Math.min(p.start, file.perfStats.start);
      if (file.perfStats?.end) p.end = Math.max(p.end, file.perfStats.end);
      projects.set(name, p);
    }
    const lines = [...projects].map(
      ([name, p]) =>
        `  ${name.padEnd(12)} ${String(p.files).padStart(3)} files ${String(p.tests).padStart(4)} tests  ${((p.end - p.start) / 1000).toFixed(0).padStart(4)} s`,
    );
    const broken = results.testResults
      .filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0))
      .map((r) => relative(process.cwd(), r.testFilePath));
    const skipped = results.numPendingTests + results.numTodoTests;
    const counts = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\njest projects (wall time of each):\n${lines.join('\n')}\n`);
    for (const file of broken) process.stdout.write(`suite failed to run: ${file}\n`);
    const out = process.env.CONTRACTS_TEST_SUMMARY;
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify({ counts, projects: Object.fromEntries(projects), broken }));
    } else process.stdout.write(`tests: ${counts}\n`);
  }
}
module.exports = SummaryReporter;
