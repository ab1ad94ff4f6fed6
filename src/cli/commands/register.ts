import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { applyRegistration, planRegistration } from '../../registration';
import { createLogger } from '../../log';
import { REGISTRY_ENV, resolveRegistry, urlHasPassword, type SchemaRegistryClient } from '../../registry';
import { FindingsExit, noVerdict } from '../exit';
import { colorsFor, parseFormat } from '../print/output';
import { renderPlan, renderRegistration } from '../print/plan';

interface RegisterFlags {
  dryRun?: boolean;
  topic?: string;
  registry?: string;
  format?: string;
}

/** `--registry <url>` or SCHEMA_REGISTRY_URL; credentials come from the URL or SCHEMA_REGISTRY_AUTH / _TOKEN. */
export function registryFrom(url: string | undefined): SchemaRegistryClient {
  if (url && urlHasPassword(url)) {
    createLogger('contracts').warn(
      `--registry carries a password, which every user of this machine can read in the process list: set ${REGISTRY_ENV.AUTH} or ${REGISTRY_ENV.AUTH_FILE} (a file holding user:password) instead`,
    );
  }
  return resolveRegistry(url);
}

export function registerRegisterCommand(program: Command): void {
  program
    .command('register')
    .description(
      "register every schema of the config under its subjects, after setting each subject's compatibility level",
    )
    .option(
      '--dry-run',
      "print the plan (unchanged / new version / new subject, with the registry's verdict) and write nothing",
    )
    .option('--topic <name>', "only this topic's subjects")
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .option('--format <format>', 'text, json or github', 'text')
    .action(async (flags: RegisterFlags, command: Command) => {
      const format = parseFormat(flags.format);
      const config = loadConfig(command.optsWithGlobals().config as string);
      const registry = registryFrom(flags.registry);
      const ctx = { format, colors: colorsFor(process.stdout), cwd: process.cwd() };
      if (flags.dryRun) {
        const plan = await planRegistration({ config, registry, topic: flags.topic });
        process.stdout.write(renderPlan(plan, ctx));
        if (plan.failed > 0) throw noVerdict(plan.subjects.filter((s) => s.error).map((s) => s.subject));
        if (!plan.compatible) throw new FindingsExit('the registry would refuse a change');
        return;
      }
      const result = await applyRegistration({ config, registry, topic: flags.topic });
      process.stdout.write(renderRegistration(result, ctx));
    });
}
