import type { Command } from 'commander';
import { applyRegistration, planRegistration } from '../../registration';
import { FindingsExit, noVerdict } from '../exit';
import type { OutputFormat } from '../print/output';
import { renderPlan, renderRegistration } from '../print/plan';
import { configOf, printContext, registryFrom, withFormat, type FormatFlags } from './shared';

interface RegisterFlags extends FormatFlags {
  dryRun?: boolean;
  topic?: string;
  registry?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json', 'github'];

export function registerRegisterCommand(program: Command): void {
  const register = program
    .command('register')
    .description(
      "register every schema of the config under its subjects, after setting each subject's compatibility level",
    )
    .option(
      '--dry-run',
      "print the plan (unchanged / new version / new subject, with the registry's verdict) and write nothing",
    )
    .option('--topic <name>', "only this topic's subjects")
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)');
  withFormat(register, FORMATS).action(async (flags: RegisterFlags, command: Command) => {
    const ctx = printContext(flags, FORMATS);
    const options = { config: configOf(command), registry: registryFrom(flags.registry), topic: flags.topic };
    if (flags.dryRun) {
      const plan = await planRegistration(options);
      process.stdout.write(renderPlan(plan, ctx));
      if (plan.failed > 0) throw noVerdict(plan.subjects.filter((s) => s.error).map((s) => s.subject));
      if (!plan.compatible) throw new FindingsExit('the registry would refuse a change');
      return;
    }
    process.stdout.write(renderRegistration(await applyRegistration(options), ctx));
  });
}
