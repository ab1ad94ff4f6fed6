import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { PROTOBUF_CHECKS, type JsonSchemaPolicy, type ProtobufChecks } from '../../compat';
import { FlagValueError, UsageError } from '../../errors';
import { checkAgainstBaseline, checkWithRegistry, gitBaseline, readLockBaseline } from '../../registration';
import { FindingsExit, noVerdict } from '../exit';
import { renderCheckReport } from '../print/check';
import type { OutputFormat } from '../print/output';
import { configOf, printContext, registryFrom, withFormat, type FormatFlags } from './shared';

interface CheckFlags extends FormatFlags {
  registry?: string | boolean;
  against?: string;
  topic?: string;
  policy?: string;
  protobufChecks?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json', 'github'];

export function registerCheckCommand(program: Command): void {
  const check = program
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
    .option(
      '--protobuf-checks <checks>',
      "Protobuf, offline: CONFLUENT (Confluent's verdict, default), or WIRE / WIRE_JSON to also refuse what buf breaking's category refuses (needs @bufbuild/buf)",
      'CONFLUENT',
    );
  withFormat(check, FORMATS, { what: 'github: annotations' }).action(async (flags: CheckFlags, command: Command) => {
    const ctx = printContext(flags, FORMATS);
    if ((flags.registry === undefined) === (flags.against === undefined)) {
      throw new UsageError(
        'check needs exactly one of --registry or --against <git-ref|lock-file>',
        'e.g. `contracts check --against origin/main` in CI, `contracts check --registry` before a release',
      );
    }
    const policy = (flags.policy ?? 'STRICT').toUpperCase();
    if (policy !== 'STRICT' && policy !== 'LENIENT')
      throw new UsageError(`--policy ${flags.policy} is not a policy`, 'use STRICT or LENIENT');
    const protobufChecks = protobufChecksFlag(flags.protobufChecks);
    const config = configOf(command);
    let report;
    if (flags.against !== undefined) {
      const against = flags.against;
      const isFile = existsSync(against) && statSync(against).isFile();
      const baseline = isFile ? readLockBaseline(against) : gitBaseline({ config, ref: against });
      report = checkAgainstBaseline({
        config,
        baseline,
        topic: flags.topic,
        policy: policy as JsonSchemaPolicy,
        protobufChecks,
      });
    } else {
      const registry = registryFrom(typeof flags.registry === 'string' ? flags.registry : undefined);
      report = await checkWithRegistry({ config, registry, topic: flags.topic, policy: policy as JsonSchemaPolicy });
    }
    process.stdout.write(renderCheckReport(report, ctx));
    if (report.failed) throw noVerdict(report.subjects.filter((s) => s.error).map((s) => s.subject));
    if (!report.compatible) throw new FindingsExit('incompatible changes');
  });
}

/** `--protobuf-checks`: one of PROTOBUF_CHECKS, any case. */
export function protobufChecksFlag(value: string | undefined): ProtobufChecks {
  const checks = (value ?? 'CONFLUENT').toUpperCase();
  if (!(PROTOBUF_CHECKS as readonly string[]).includes(checks)) {
    throw new FlagValueError(
      '--protobuf-checks',
      String(value),
      PROTOBUF_CHECKS,
      `--protobuf-checks ${String(value)} is none of ${PROTOBUF_CHECKS.join(', ')}`,
      "CONFLUENT is Confluent's verdict; WIRE and WIRE_JSON add buf breaking's category of that name",
    );
  }
  return checks as ProtobufChecks;
}
