import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonSchemaPolicy } from '../../compat';
import { loadConfig } from '../../config';
import { UsageError } from '../../errors';
import { checkAgainstBaseline, checkWithRegistry, gitBaseline, readLockBaseline } from '../../registration';
import { FindingsExit, noVerdict } from '../exit';
import { renderCheckReport } from '../print/check';
import { colorsFor, parseFormat } from '../print/output';
import { registryFrom } from './register';

interface CheckFlags {
  registry?: string | boolean;
  against?: string;
  topic?: string;
  format?: string;
  policy?: string;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description(
      'check the local schemas for compatibility: with the registry, or offline against a git ref or lock file',
    )
    .option('--registry [url]', "ask the registry for each subject's verdict (URL default SCHEMA_REGISTRY_URL)")
    .option(
      '--against <git-ref|lock-file>',
      'offline: compare with the schemas at a git ref (e.g. origin/main) or a lock file from `contracts pull`',
    )
    .option('--topic <name>', "only this topic's subjects")
    .option(
      '--policy <policy>',
      'JSON Schema policy for offline checks: STRICT (Confluent default) or LENIENT',
      'STRICT',
    )
    .option('--format <format>', 'text, json or github (annotations)', 'text')
    .action(async (flags: CheckFlags, command: Command) => {
      const format = parseFormat(flags.format);
      if ((flags.registry === undefined) === (flags.against === undefined)) {
        throw new UsageError(
          'check needs exactly one of --registry or --against <git-ref|lock-file>',
          'e.g. `contracts check --against origin/main` in CI, `contracts check --registry` before a release',
        );
      }
      const policy = (flags.policy ?? 'STRICT').toUpperCase();
      if (policy !== 'STRICT' && policy !== 'LENIENT')
        throw new UsageError(`--policy ${flags.policy} is not a policy`, 'use STRICT or LENIENT');
      const config = loadConfig(command.optsWithGlobals().config as string);
      let report;
      if (flags.against !== undefined) {
        const against = flags.against;
        const isFile = existsSync(against) && statSync(against).isFile();
        const baseline = isFile ? readLockBaseline(against) : gitBaseline({ config, ref: against });
        report = checkAgainstBaseline({ config, baseline, topic: flags.topic, policy: policy as JsonSchemaPolicy });
      } else {
        const registry = registryFrom(typeof flags.registry === 'string' ? flags.registry : undefined);
        report = await checkWithRegistry({ config, registry, topic: flags.topic, policy: policy as JsonSchemaPolicy });
      }
      process.stdout.write(
        renderCheckReport(report, { format, colors: colorsFor(process.stdout), cwd: process.cwd() }),
      );
      if (report.failed) throw noVerdict(report.subjects.filter((s) => s.error).map((s) => s.subject));
      if (!report.compatible) throw new FindingsExit('incompatible changes');
    });
}
