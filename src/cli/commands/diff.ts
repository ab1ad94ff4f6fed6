import type { Command } from 'commander';
import { UsageError } from '../../errors';
import { diffSubject } from '../../registration';
import { FindingsExit } from '../exit';
import type { OutputFormat } from '../print/output';
import { renderDiff } from '../print/registry';
import { configOf, integerFlag, printContext, registryFrom, withFormat, type FormatFlags } from './shared';

interface DiffFlags extends FormatFlags {
  from?: string;
  to?: string;
  local?: boolean;
  registry?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json', 'github'];
const VERSIONS_HINT = 'a version number (1, 2, …); list the versions with `contracts ls`';

export function registerDiffCommand(program: Command): void {
  const diff = program
    .command('diff')
    .description(
      "semantic diff of two versions of a subject, or of its latest version and the local schema, with the rules each change breaks at the subject's level",
    )
    .argument('<subject>', 'the subject (see `contracts ls`)')
    .option('--from <version>', 'version to compare from (default: the one before --to, or the latest with --local)')
    .option('--to <version>', 'version to compare to (default: the latest)')
    .option('--local', "compare the registry's version with the local schema of the config")
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)');
  withFormat(diff, FORMATS).action(async (subject: string, flags: DiffFlags, command: Command) => {
    const ctx = printContext(flags, FORMATS);
    if (flags.local && flags.to !== undefined)
      throw new UsageError('--to and --local exclude each other', '--local compares with the local schema; drop --to');
    const result = await diffSubject({
      registry: registryFrom(flags.registry),
      subject,
      from: integerFlag(flags.from, '--from', 1, { hint: VERSIONS_HINT }),
      to: integerFlag(flags.to, '--to', 1, { hint: VERSIONS_HINT }),
      local: flags.local ? { config: configOf(command) } : undefined,
    });
    process.stdout.write(renderDiff(result, ctx));
    // a local draft is checked as `contracts check` checks it: breaking it is a finding (exit 1);
    // two registered versions are history, printed with exit 0
    if (flags.local && !result.compatible) throw new FindingsExit('the local schema breaks the subject');
  });
}
