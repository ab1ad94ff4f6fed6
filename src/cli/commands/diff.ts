import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { UsageError } from '../../errors';
import { diffSubject } from '../../registration';
import { FindingsExit } from '../exit';
import { colorsFor, parseFormat } from '../print/output';
import { renderDiff } from '../print/registry';
import { registryFrom } from './register';

interface DiffFlags {
  from?: string;
  to?: string;
  local?: boolean;
  registry?: string;
  format?: string;
}

function version(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(
      `${flag} must be a version number (1, 2, …), got "${value}"`,
      'list the versions with `contracts ls`',
    );
  return n;
}

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      "semantic diff of two versions of a subject, or of its latest version and the local schema, with the rules each change breaks at the subject's level",
    )
    .argument('<subject>', 'the subject (see `contracts ls`)')
    .option('--from <version>', 'version to compare from (default: the one before --to, or the latest with --local)')
    .option('--to <version>', 'version to compare to (default: the latest)')
    .option('--local', "compare the registry's version with the local schema of the config")
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .option('--format <format>', 'text, json or github', 'text')
    .action(async (subject: string, flags: DiffFlags, command: Command) => {
      const format = parseFormat(flags.format);
      if (flags.local && flags.to !== undefined)
        throw new UsageError(
          '--to and --local exclude each other',
          '--local compares with the local schema; drop --to',
        );
      const diff = await diffSubject({
        registry: registryFrom(flags.registry),
        subject,
        from: version('--from', flags.from),
        to: version('--to', flags.to),
        local: flags.local ? { config: loadConfig(command.optsWithGlobals().config as string) } : undefined,
      });
      process.stdout.write(renderDiff(diff, { format, colors: colorsFor(process.stdout), cwd: process.cwd() }));
      // a local draft is checked as `contracts check` checks it: breaking it is a finding (exit 1);
      // two registered versions are history, printed with exit 0
      if (flags.local && !diff.compatible) throw new FindingsExit('the local schema breaks the subject');
    });
}
