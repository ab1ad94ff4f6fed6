#!/usr/bin/env node
// The Node.js lines the kit supports, read from package.json's `engines.node` (the one place they
// are written, e.g. "^22.13.0 || ^24.0.0 || ^26.0.0"); .ci/run and a README test ask this script.
//   node scripts/node-lines.js lines        prints "22 24 26"
//   node scripts/node-lines.js supported    exits 0 when the running Node is one of them, else 1
//   node scripts/node-lines.js describe     prints "22.13+, 24 and 26" for people
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function supportedLines(range = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).engines.node) {
  return range.split('||').map((part) => {
    const match = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!match) throw new Error(`engines.node: "${part.trim()}" is not of the form ^MAJOR.MINOR.PATCH`);
    return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
  });
}

function supports(version, lines = supportedLines()) {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
  return lines.some((l) => l.major === major && (minor > l.minor || (minor === l.minor && patch >= l.patch)));
}

function describe(lines = supportedLines()) {
  const names = lines.map((l) =>
    l.minor || l.patch ? `${l.major}.${l.minor}${l.patch ? `.${l.patch}` : ''}+` : `${l.major}`,
  );
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

module.exports = { supportedLines, supports, describe };

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'lines')
    console.log(
      supportedLines()
        .map((l) => l.major)
        .join(' '),
    );
  else if (command === 'supported') process.exit(supports(process.versions.node) ? 0 : 1);
  else if (command === 'describe') console.log(describe());
  else {
    console.error('usage: node scripts/node-lines.js lines|supported|describe');
    process.exit(2);
  }
}
