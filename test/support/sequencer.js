// The order jest starts test files in: the fault scenarios and integration files first, longest
// known first (they mostly wait on servers, so they set the run's length), then the judges and the
// unit tests, which fill the cores while those wait. Within a project, jest's own order (files that
// failed last time, then the slowest by its cache, then the largest).
const Sequencer = require('@jest/test-sequencer').default;

const PROJECT_RANK = { faults: 0, integration: 1, judges: 2, unit: 3 };
/** The longest files on a fresh clone, where jest has no timings yet (test-artifacts/… has the figures). */
const LONGEST = ['faults/stalls.test.ts', 'faults/stall-cluster.test.ts', 'installed-package.test.ts', 'ui/ui.test.ts'];

const rank = (test) => {
  const longest = LONGEST.findIndex((suffix) => test.path.endsWith(suffix));
  if (longest !== -1) return longest - LONGEST.length;
  const project = test.context.config.displayName?.name ?? test.context.config.displayName;
  return PROJECT_RANK[project] ?? 9;
};

class ProjectsFirstSequencer extends Sequencer {
  sort(tests) {
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = ProjectsFirstSequencer;
