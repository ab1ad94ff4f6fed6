/**
 * Apache Avro's Java library as a judge: its parser (test/support/java/AvroParseJudge.java) and its
 * decimal conversion (AvroDecimalJudge.java). The avro jar and its dependencies come from Maven
 * Central through Maven into the ignored .cache/avro-java, the judges are compiled there with the
 * JDK's javac. Fails loudly when Maven or the JDK is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const AVRO_JAVA_VERSION = '1.12.0';
const ROOT = resolve(__dirname, '..', '..');
const DIR = join(ROOT, '.cache', 'avro-java');
const LIB = join(DIR, 'lib');
const CLASSES = join(DIR, 'classes');
const JAVA = join(ROOT, 'test', 'support', 'java');

const READY = join(LIB, '.complete');

/**
 * Two judge files run in two workers at once, and both prepare: one at a time (a lock folder), or
 * two Maven runs write the same local repository and two javac the same classes (a clean clone's
 * CI failed so, Maven 3.8 has no lock of its own). A lock older than 10 minutes is a killed run's.
 * The repository is the judges' own: the stack's is written by tests that fetch another registry.
 */
function locked(fn: () => void): void {
  mkdirSync(DIR, { recursive: true });
  const lock = join(DIR, '.lock');
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000)
        rmSync(lock, { recursive: true, force: true });
      Atomics.wait(sleeper, 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function prepare(): void {
  locked(prepareUnlocked);
}

function prepareUnlocked(): void {
  if (!existsSync(READY)) {
    rmSync(LIB, { recursive: true, force: true });
    writeFileSync(
      join(DIR, 'pom.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.contracts.test</groupId>
  <artifactId>avro-judge</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.avro</groupId><artifactId>avro</artifactId><version>${AVRO_JAVA_VERSION}</version></dependency>
  </dependencies>
</project>
`,
    );
    const maven = spawnSync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(DIR, 'pom.xml'),
        `-Dmaven.repo.local=${join(DIR, 'm2')}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${LIB}`,
      ],
      { encoding: 'utf8' },
    );
    // Maven writes its [ERROR] lines to stdout
    if (maven.status !== 0)
      throw new Error(
        `Maven could not fetch avro ${AVRO_JAVA_VERSION}: ${maven.error?.message ?? ''}${maven.stdout}${maven.stderr}`,
      );
    writeFileSync(READY, `${new Date().toISOString()}\n`);
  }
  const sources = readdirSync(JAVA).filter((f) => f.endsWith('.java'));
  if (sources.some((f) => !existsSync(join(CLASSES, f.replace(/\.java$/, '.class'))))) {
    execFileSync('javac', ['-d', CLASSES, '-cp', `${LIB}/*`, ...sources.map((f) => join(JAVA, f))], { stdio: 'pipe' });
  }
  if (!readdirSync(LIB).some((f) => f.startsWith('avro-'))) throw new Error(`no avro jar in ${LIB}`);
}

export type JavaVerdict = { ok: true } | { ok: false; reason: string };

/** Java's verdict on each schema (one JVM for all). */
export function judgeWithJava(schemas: string[]): JavaVerdict[] {
  prepare();
  const input = schemas.map((s) => s.replace(/\n/g, ' ')).join('\n') + '\n';
  const result = spawnSync('java', ['-cp', `${CLASSES}:${LIB}/*`, 'AvroParseJudge'], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the Java judge failed: ${result.stderr}`);
  const lines = result.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== schemas.length)
    throw new Error(`the Java judge answered ${lines.length} of ${schemas.length} schemas: ${result.stderr}`);
  return lines.map((l) => (l === 'ok' ? { ok: true } : { ok: false, reason: l.slice(l.indexOf('\t') + 1) }));
}

/** Java's bytes for each decimal of a record schema with a decimal field `amount`, and what it reads from the kit's. */
export function decimalsWithJava(
  schema: object,
  values: string[],
  kitHex: string[],
): Array<{ writes: string; reads: string }> {
  prepare();
  const input = values.map((v, i) => `${JSON.stringify(schema)}\t${v}\t${kitHex[i]}`).join('\n') + '\n';
  const result = spawnSync('java', ['-cp', `${CLASSES}:${LIB}/*`, 'AvroDecimalJudge'], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the Java decimal judge failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [writes, reads] = l.split('\t');
      return { writes: writes!, reads: reads! };
    });
}
