/**
 * Gets the servers' jars from Maven Central with Maven, into the cache folder (`.cache/stack`).
 * Each component lands in its own folder with a `.complete` marker written last, so a warm start
 * checks two files and never runs Maven, and an interrupted download is redone rather than used.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors';
import {
  APICURIO_VERSION,
  KAFKA_VERSION,
  LOG4J_VERSION,
  MAVEN_DEPENDENCY_PLUGIN,
  MAVEN_GET_WITHOUT_DESCRIPTOR,
} from './versions';

export interface ArtifactOptions {
  /** Cache folder, e.g. `<project>/.cache/stack`. */
  cacheDir: string;
  kafkaVersion?: string;
  registryVersion?: string;
  /** Progress lines for people (the CLI writes them to stderr). */
  log?: (line: string) => void;
}

export interface ResolvedArtifacts {
  kafkaVersion: string;
  registryVersion: string;
  /** Folder of Kafka's runtime jars; the classpath is `<dir>/*`. */
  kafkaLibDir: string;
  /** The registry's runnable jar (Quarkus legacy `-runner.jar` or fast-jar `quarkus-run.jar`). */
  registryJar: string;
  /** Whether Maven had to run (a cold start). */
  downloaded: boolean;
}

const COMPLETE_MARKER = '.complete';

export function kafkaDir(cacheDir: string, version: string): string {
  return join(cacheDir, `kafka-${version}`);
}

export function registryDir(cacheDir: string, version: string): string {
  return join(cacheDir, `apicurio-registry-${version}`);
}

/** True when both components are in the cache (a start would download nothing). */
export function artifactsCached(options: ArtifactOptions): boolean {
  const kafka = kafkaDir(options.cacheDir, options.kafkaVersion ?? KAFKA_VERSION);
  const registry = registryDir(options.cacheDir, options.registryVersion ?? APICURIO_VERSION);
  return existsSync(join(kafka, COMPLETE_MARKER)) && existsSync(join(registry, COMPLETE_MARKER));
}

export function resolveArtifacts(options: ArtifactOptions): ResolvedArtifacts {
  const kafkaVersion = options.kafkaVersion ?? KAFKA_VERSION;
  const registryVersion = options.registryVersion ?? APICURIO_VERSION;
  const log = options.log ?? (() => undefined);
  const kafkaHome = kafkaDir(options.cacheDir, kafkaVersion);
  const registryHome = registryDir(options.cacheDir, registryVersion);
  let downloaded = false;

  if (!existsSync(join(kafkaHome, COMPLETE_MARKER))) {
    log(`downloading Apache Kafka ${kafkaVersion} jars from Maven Central (once; cached in ${kafkaHome})`);
    fetchKafka(options.cacheDir, kafkaHome, kafkaVersion);
    downloaded = true;
  }
  if (!existsSync(join(registryHome, COMPLETE_MARKER))) {
    log(`downloading Apicurio Registry ${registryVersion} from Maven Central (once; cached in ${registryHome})`);
    fetchRegistry(options.cacheDir, registryHome, registryVersion);
    downloaded = true;
  }
  return {
    kafkaVersion,
    registryVersion,
    kafkaLibDir: join(kafkaHome, 'libs'),
    registryJar: findRegistryJar(join(registryHome, 'app')),
    downloaded,
  };
}

function fetchKafka(cacheDir: string, home: string, version: string): void {
  const work = `${home}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // kafka_2.13 pulls in the broker, controller, storage tool and clients; log4j-slf4j-impl is the
  // logging binding Kafka's own distribution adds in its libs/ folder.
  writeFileSync(
    join(work, 'pom.xml'),
    generatedPom('kafka-libs', [
      { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version },
      { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: LOG4J_VERSION },
    ]),
  );
  runMaven(cacheDir, work, [
    `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${join(work, 'libs')}`,
  ]);
  finish(work, home);
}

function fetchRegistry(cacheDir: string, home: string, version: string): void {
  const work = `${home}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'app'), { recursive: true });
  writeFileSync(join(work, 'pom.xml'), generatedPom('registry-app', []));
  // Maven Central has no runner jar for the app, only the assembled Quarkus app (classifier `all`,
  // a tar.gz: a legacy `-runner.jar` + `lib/` in 3.0.x, a `quarkus-app` fast-jar in 3.3.x). The
  // 3.0.x POMs name a parent POM Central does not serve, so every goal that reads the artifact's
  // descriptor fails; `get` of plugin 2.8 with transitive=false fetches just the file.
  runMaven(cacheDir, work, [
    `${MAVEN_GET_WITHOUT_DESCRIPTOR}:get`,
    `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
    '-Dtransitive=false',
  ]);
  const archive = join(
    cacheDir,
    'm2',
    'io',
    'apicurio',
    'apicurio-registry-app',
    version,
    `apicurio-registry-app-${version}-all.tar.gz`,
  );
  const untar = spawnSync('tar', ['-xzf', archive, '-C', join(work, 'app')], { encoding: 'utf8' });
  if (untar.status !== 0) {
    throw new StackError(`could not unpack ${archive}: ${untar.error?.message ?? untar.stderr}`, {
      hint: 'the archive may be truncated: delete .cache/stack and run `contracts stack up` again',
    });
  }
  // The archive stays in the Maven repo folder; drop it, the unpacked app is what runs.
  rmSync(archive, { force: true });
  findRegistryJar(join(work, 'app'));
  finish(work, home);
}

function finish(work: string, home: string): void {
  writeFileSync(join(work, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(work, home);
}

function findRegistryJar(appDir: string): string {
  const entries = existsSync(appDir) ? readdirSync(appDir) : [];
  if (entries.includes('quarkus-run.jar')) return join(appDir, 'quarkus-run.jar');
  const runner = entries.find((name) => name.endsWith('-runner.jar'));
  if (runner) return join(appDir, runner);
  throw new StackError(`no runnable registry jar in ${appDir}`, {
    hint: 'delete .cache/stack and run `contracts stack up` again; if it persists, the registry release is packaged differently',
  });
}

interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

function generatedPom(artifactId: string, dependencies: Coordinates[]): string {
  const deps = dependencies
    .map(
      (d) =>
        `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by \`contracts stack\` to fetch the local stack's servers; safe to delete. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.contracts.stack</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

function runMaven(cacheDir: string, projectDir: string, goals: string[]): void {
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const args = ['-B', '-q', '-f', join(projectDir, 'pom.xml'), `-Dmaven.repo.local=${join(cacheDir, 'm2')}`, ...goals];
  const result = spawnSync(mvn, args, { cwd: projectDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new StackError(
      'Maven (mvn) is not installed or not on PATH; the first `stack up` uses it to fetch Kafka and the registry',
      {
        hint: 'install Maven 3.6+ (e.g. `apt-get install maven`), or start your own servers and set KAFKA_BROKERS and SCHEMA_REGISTRY_URL',
        cause: result.error,
      },
    );
  }
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd().split('\n').slice(-20).join('\n');
    throw new StackError(`Maven could not fetch the stack's jars (mvn ${goals[0]}):\n${output}`, {
      hint: 'check that Maven Central (repo.maven.apache.org) is reachable, or configure a mirror in ~/.m2/settings.xml',
      retriable: true,
    });
  }
}
