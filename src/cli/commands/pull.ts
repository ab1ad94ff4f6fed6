import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { ContractsError } from '../../errors';
import { DEFAULT_LOCK_FILE, pullRegistry, readLocalSubjects, serializeLockFile } from '../../registration';
import { registryFrom } from './register';

interface PullFlags {
  out?: string;
  prefix?: string;
  configSubjects?: boolean;
  registry?: string;
}

export function registerPullCommand(program: Command): void {
  program
    .command('pull')
    .description(
      'write every subject, version, ID, reference and level of the registry to a lock file (deterministic JSON to commit)',
    )
    .option('--out <file>', 'lock file to write; - for stdout', DEFAULT_LOCK_FILE)
    .option('--prefix <text>', 'only subjects whose name starts with this')
    .option('--config-subjects', "only the config's subjects (and the subjects they reference)")
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .action(async (flags: PullFlags, command: Command) => {
      const registry = registryFrom(flags.registry);
      const subjects = flags.configSubjects
        ? readLocalSubjects({ config: loadConfig(command.optsWithGlobals().config as string) }).map((s) => s.subject)
        : undefined;
      const lock = await pullRegistry({ registry, prefix: flags.prefix, subjects });
      const text = serializeLockFile(lock);
      if (flags.out === '-') {
        process.stdout.write(text);
        return;
      }
      const file = resolve(flags.out ?? DEFAULT_LOCK_FILE);
      try {
        writeFileSync(file, text);
      } catch (cause) {
        throw new ContractsError(
          'USAGE',
          `cannot write ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
          {
            cause,
            hint: 'pass a writable path with --out',
          },
        );
      }
      const subjectCount = Object.keys(lock.subjects).length;
      const versionCount = Object.values(lock.subjects).reduce((n, s) => n + s.versions.length, 0);
      process.stdout.write(
        `wrote ${subjectCount} subject(s), ${versionCount} version(s) from ${lock.registry} to ${flags.out ?? DEFAULT_LOCK_FILE}\n`,
      );
    });
}
