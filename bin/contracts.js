#!/usr/bin/env node
'use strict';
// In this repository the sources run through tsx (no build step, never stale); an installed
// package ships only the compiled dist/.
const path = require('node:path');
const fs = require('node:fs');
const source = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
let main;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  main = require(source);
} else {
  main = require(path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js'));
}
main.run(process.argv.slice(2)).then((code) => process.exit(code));
