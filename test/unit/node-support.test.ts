/**
 * The supported Node.js lines are written once, in package.json's `engines.node`; .ci/run asks
 * scripts/node-lines.js for them, and the README must name the same lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/bookings-samples';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeLines = require('../../scripts/node-lines.js') as {
  supportedLines(range?: string): Array<{ major: number; minor: number; patch: number }>;
  supports(version: string, lines?: Array<{ major: number; minor: number; patch: number }>): boolean;
  describe(lines?: Array<{ major: number; minor: number; patch: number }>): string;
};

describe('supported Node.js lines', () => {
  it('reads them from engines.node', () => {
    const lines = nodeLines.supportedLines('^22.13.0 || ^24.0.0 || ^26.0.0');
    expect(lines.map((l) => l.major)).toEqual([22, 24, 26]);
    expect(nodeLines.describe(lines)).toBe('22.13+, 24 and 26');
  });

  it('accepts a version of a listed line from its minimum on, and nothing else', () => {
    const lines = nodeLines.supportedLines('^22.13.0 || ^24.0.0 || ^26.0.0');
    const verdicts = ['22.12.9', '22.13.0', '22.20.1', '23.5.0', '24.0.0', '25.1.0', '26.3.0', '20.20.2'].map((v) => [
      v,
      nodeLines.supports(v, lines),
    ]);
    expect(Object.fromEntries(verdicts)).toEqual({
      '22.12.9': false,
      '22.13.0': true,
      '22.20.1': true,
      '23.5.0': false,
      '24.0.0': true,
      '25.1.0': false,
      '26.3.0': true,
      '20.20.2': false,
    });
  });

  it('refuses an engines range it cannot read, naming the part', () => {
    expect(() => nodeLines.supportedLines('>=22.13')).toThrow('">=22.13" is not of the form ^MAJOR.MINOR.PATCH');
  });

  it('is what the README says', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const said = [...readme.matchAll(/Node\.js (\d[\d., +and]*?)(?= on| \(|\)|;|\.\s|$)/gm)].map((m) => m[1]!.trim());
    expect(said.length).toBeGreaterThan(0);
    for (const text of said) expect(text).toBe(nodeLines.describe());
  });
});
