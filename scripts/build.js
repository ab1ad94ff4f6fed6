#!/usr/bin/env node
'use strict';
// `npm run build` (and so `npm pack`): a clean dist/ with the compiled library, CLI and codegen,
// their type declarations, and the UI's static files next to the server that serves them.
const { spawnSync } = require('node:child_process');
const { cpSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(join(root, 'src', 'ui', 'public'), join(root, 'dist', 'src', 'ui', 'public'), { recursive: true });
