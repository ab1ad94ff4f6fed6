#!/usr/bin/env node
'use strict';
// `npm run test:conformance -- <dir>`: the offline checker, Apache Avro's Python checker and the
// real registry judged against an outside corpus of compatibility cases with Confluent's
// verdicts (avro-cases.json, json-schema-cases.json). Without the folder it fails, never passes.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const [dirArg, ...jestArgs] = process.argv.slice(2);
const dir = dirArg ? resolve(dirArg) : process.env.CONTRACTS_CONFORMANCE_DIR;
const files = ['avro-cases.json', 'json-schema-cases.json'];
if (!dir) {
  process.stderr.write('test:conformance needs the corpus folder: npm run test:conformance -- <dir>\n');
  process.exit(2);
}
const missing = files.filter((file) => !existsSync(join(dir, file)));
if (missing.length > 0) {
  process.stderr.write(
    `test:conformance: no conformance corpus at ${dir} (missing ${missing.join(', ')}); nothing was tested\n`,
  );
  process.exit(2);
}
const root = join(__dirname, '..');
const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    // the caller's arguments first: --selectProjects takes every word after it as a project name
    ...jestArgs,
    '--selectProjects',
    'conformance',
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CONTRACTS_CONFORMANCE_DIR: dir } },
);
process.exit(run.status ?? 1);
