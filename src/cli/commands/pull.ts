import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_LOCK_FILE, pullRegistry, readLocalSubjects, serializeLockFile } from '../../registration';
import type { OutputFormat } from '../print/output';
import { renderPulled } from '../print/registry';
import { configOf, printContext, registryFrom, withFormat, writeOut, type FormatFlags } from './shared';

interface PullFlags extends FormatFlags {
  out?: string;
  prefix?: string;
  configSubjects?: boolean;
  registry?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json'];

export function registerPullCommand(program: Command): void {
  const pull = program
    .command('pull')
    .description(
      'write every subject, version, ID, reference and level of the registry to a lock file (deterministic JSON to commit)',
    )
    .option(
      '--out <file>',
      'lock file to write; - for stdout (the lock file itself, whatever --format)',
      DEFAULT_LOCK_FILE,
    )
    .option('--prefix <text>', 'only subjects whose name starts with this')
    .option('--config-subjects', "only the config's subjects (and the subjects they reference)")
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)');
  withFormat(pull, FORMATS, { what: 'of the summary' }).action(async (flags: PullFlags, command: Command) => {
    const ctx = printContext(flags, FORMATS);
    const registry = registryFrom(flags.registry);
    const subjects = flags.configSubjects
      ? readLocalSubjects({ config: configOf(command) }).map((s) => s.subject)
      : undefined;
    const lock = await pullRegistry({ registry, prefix: flags.prefix, subjects });
    const text = serializeLockFile(lock);
    const out = flags.out ?? DEFAULT_LOCK_FILE;
    if (out === '-') {
      process.stdout.write(text);
      return;
    }
    writeOut(resolve(out), text);
    process.stdout.write(renderPulled(lock, out, ctx));
  });
}
