#!/usr/bin/env node
'use strict';
// `npm test`: the static checks (generated code and AsyncAPI drift, types, lint, import layers)
// and jest's projects (unit, judges, integration, faults), side by side: the checks keep one core
// busy while the integration tests mostly wait on servers. The checks' output is printed when each
// ends; at the end, the time of each phase and one closing line "tests: N passed, N failed".
// Arguments go to jest (`npm test -- test/integration/dlq.test.ts`).
const { spawn } = require('node:child_process');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const summaryFile = join(root, 'test-artifacts', 'jest-summary.json');
const CHECKS = ['codegen:check', 'asyncapi:check', 'typecheck', 'lint', 'lint:deps', 'api:check'];
/** More workers than cores: the integration and fault files spend most of their time waiting. */
const WORKERS = process.env.CONTRACTS_TEST_WORKERS ?? '4';

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function run(command, args, options) {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, ...options });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => done({ status: 1, output: `${output}${error.message}\n`, ms: Date.now() - started }));
    child.on('close', (status, signal) =>
      done({
        status: status ?? 1,
        output: signal ? `${output}killed by ${signal}\n` : output,
        ms: Date.now() - started,
      }),
    );
  });
}

async function checks() {
  const results = [];
  for (const name of CHECKS) {
    const result = await run('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    results.push({ name, ...result });
    process.stdout.write(
      `\n[check] ${name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status})`} in ${seconds(result.ms)}\n`,
    );
    if (result.status !== 0 || process.env.CONTRACTS_TEST_VERBOSE === '1') process.stdout.write(result.output);
  }
  return results;
}

async function main() {
  rmSync(summaryFile, { force: true });
  const jestArgs = [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    `--maxWorkers=${WORKERS}`,
    ...process.argv.slice(2),
    // last: it takes every word after it as a project name
    '--selectProjects',
    'unit',
    'judges',
    'integration',
    'faults',
  ];
  const jest = run(process.execPath, jestArgs, {
    stdio: 'inherit',
    env: { ...process.env, CONTRACTS_TEST_SUMMARY: summaryFile },
  });
  const [checkResults, jestResult] = await Promise.all([checks(), jest]);

  const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
  const failedChecks = checkResults.filter((r) => r.status !== 0).map((r) => r.name);
  process.stdout.write('\nnpm test, phase times (checks and jest run side by side):\n');
  for (const r of checkResults) {
    process.stdout.write(
      `  check ${r.name.padEnd(16)} ${seconds(r.ms).padStart(8)}  ${r.status === 0 ? 'ok' : 'FAILED'}\n`,
    );
  }
  process.stdout.write(
    `  jest ${''.padEnd(17)} ${seconds(jestResult.ms).padStart(8)}  ${jestResult.status === 0 ? 'ok' : 'FAILED'}\n`,
  );
  for (const [name, p] of Object.entries(summary?.projects ?? {})) {
    process.stdout.write(
      `    ${name.padEnd(20)} ${seconds(p.end - p.start).padStart(8)}  ${p.files} files, ${p.tests} tests\n`,
    );
  }
  if (failedChecks.length > 0) process.stdout.write(`checks failed: ${failedChecks.join(', ')}\n`);
  if (!summary) process.stdout.write('jest wrote no summary: it ended before its reporters ran\n');
  process.stdout.write(`tests: ${summary?.counts ?? '0 passed, 1 failed'}\n`);
  process.exit(failedChecks.length > 0 || jestResult.status !== 0 ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
