// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI tooling can read,
// and under CI=true turns any skipped test into a failure: a skip in CI means a missing service
// or a forgotten `.skip`, and either would hide untested code.
class SummaryReporter {
  constructor() {
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\njest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (process.env.CI === 'true' && skipped > 0) {
      const names = [];
      for (const file of results.testResults) {
        for (const t of file.testResults) {
          if (t.status === 'pending' || t.status === 'todo') names.push(`  - ${t.fullName}`);
        }
      }
      this.error = new Error(`CI=true and ${skipped} test(s) were skipped:\n${names.join('\n')}`);
      process.stdout.write(`${this.error.message}\n`);
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = SummaryReporter;
