/**
 * A second registry implementation: Apicurio Registry 3.3 (from Maven Central; compiled for Java
 * 21, so it runs on a JDK 21+: JAVA_HOME when it is one, else the Temurin 25 of this project's
 * machines), on a stack of its own. The in-memory registry must answer the kit's calls as it does,
 * and every way it differs from Confluent's documented API must be a named, handled difference.
 * No JDK 21+ is a failure with the reason, not a skip.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInMemoryRegistry, createSchemaRegistryClient } from '../../../src/registry';
import { startOwnStack, type OwnStack } from '../../support/faults/own-stack';
import { classifyRegistry, transcript } from '../../support/registry-probes';

jest.setTimeout(400_000);

const NEWER_APICURIO = '3.3.3';
const FALLBACK_JDK = '/usr/lib/jvm/temurin-25-jdk-amd64';

function javaMajor(home: string): number {
  const result = spawnSync(join(home, 'bin', 'java'), ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match ? Number(match[1]) : 0;
}

function jdk21(): string {
  for (const home of [process.env.JAVA_HOME, FALLBACK_JDK]) {
    if (home && existsSync(join(home, 'bin', 'java')) && javaMajor(home) >= 21) return home;
  }
  throw new Error(
    `Apicurio ${NEWER_APICURIO} needs a JDK 21+: none at JAVA_HOME (${process.env.JAVA_HOME ?? 'unset'}) or ${FALLBACK_JDK}`,
  );
}

let own: OwnStack | undefined;
const previousJavaHome = process.env.JAVA_HOME;

beforeAll(async () => {
  // the stack starts `java` from JAVA_HOME; only this test file's process sees the change
  process.env.JAVA_HOME = jdk21();
  own = await startOwnStack({
    name: 'apicurio-newer',
    kafkaPort: 29310,
    registryPort: 28183,
    registryVersion: NEWER_APICURIO,
  });
});
afterAll(async () => {
  await own?.down();
  if (previousJavaHome === undefined) delete process.env.JAVA_HOME;
  else process.env.JAVA_HOME = previousJavaHome;
});

describe(`Apicurio Registry ${NEWER_APICURIO} (a second registry implementation)`, () => {
  it("the in-memory registry answers the kit's calls as it does, error codes included", async () => {
    const prefix = `parity-${randomBytes(4).toString('hex')}.`;
    const real = await transcript(createSchemaRegistryClient({ url: own!.registryUrl }), prefix);
    expect(await transcript(createInMemoryRegistry(), prefix)).toEqual(real);
  });

  it("differs from Confluent's documented API only where a named difference says so", async () => {
    const seen = await classifyRegistry(own!.registryUrl, `diff-${randomBytes(4).toString('hex')}.`);
    process.stdout.write(`Apicurio ${NEWER_APICURIO}:\n${seen.map(([p, v]) => `  ${p}: ${v}`).join('\n')}\n`);
    expect(seen.filter(([, v]) => v.startsWith('UNKNOWN'))).toEqual([]);
    expect(seen.map(([p]) => p)).toContain('compatibility test of every version');
  });
});
