#!/usr/bin/env node
'use strict';
// `npm run test:unit -- <path patterns or jest flags>` and the other one-project scripts: jest with
// the caller's arguments first and `--selectProjects` last, because that option takes every word
// after it as a project name (`--selectProjects unit test/unit/consumer` would swallow the path).
//   node scripts/jest.js <project>[,<project>…] [jest arguments…]
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const [projects, ...args] = process.argv.slice(2);
const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js'),
    ...args,
    '--selectProjects',
    ...projects.split(','),
  ],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
