import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { colorsFor, type OutputFormat } from '../print/output';
import { createLocalStack, type LocalStackOptions } from '../../stack';
import { FindingsExit } from '../exit';
import { renderStackDown, renderStackStatus, renderStackUp } from '../print/stack';
import { durationHelp, integerFlag, parseDuration, printContext, withFormat, type FormatFlags } from './shared';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stderr);

interface UpOptions extends FormatFlags {
  brokers?: string;
  kafkaPort?: string;
  registryPort?: string;
  timeout: string;
}

const FORMATS: OutputFormat[] = ['text', 'json'];

/** `contracts stack up|down|status`: a local Kafka (KRaft) and Schema Registry without Docker. */
export function registerStackCommand(program: Command): void {
  const stack = program
    .command('stack')
    .description('run a local Kafka (KRaft) and Confluent-compatible Schema Registry on 127.0.0.1, without Docker');

  const up = stack
    .command('up')
    .description(
      'start the stack (or reuse the running one); prints KAFKA_BROKERS and SCHEMA_REGISTRY_URL and writes them to .stack/env',
    )
    .option('--brokers <count>', 'number of Kafka nodes (1, or 3 for replication and fail-over)')
    .option('--kafka-port <port>', 'first broker port (default 9092); controllers use the ports after the brokers')
    .option('--registry-port <port>', 'registry port (default 8081)')
    .option('--timeout <duration>', durationHelp('how long to wait for the servers', 's'), '90s');
  withFormat(up, FORMATS, { what: 'text: the env lines only' }).action(async (options: UpOptions, command: Command) => {
    const ctx = printContext(options, FORMATS);
    const local = createLocalStack({
      ...baseOptions(command),
      brokers: integerFlag(options.brokers, '--brokers', 1, { max: 9 }),
      kafkaPort: integerFlag(options.kafkaPort, '--kafka-port', 1, { max: 65535 }),
      registryPort: integerFlag(options.registryPort, '--registry-port', 1, { max: 65535 }),
      startTimeoutMs: parseDuration(options.timeout, '--timeout', 's', { min: 1000, max: 3_600_000 }),
    });
    const result = await local.up();
    const seconds = (result.durationMs / 1000).toFixed(1);
    process.stderr.write(
      result.reused
        ? `${pc.green('stack already running')} (checked in ${seconds} s)\n`
        : `${pc.green('stack up')} in ${seconds} s${result.downloaded ? ' (first start: jars downloaded)' : ''}; env written to ${result.envFile}\n`,
    );
    process.stdout.write(renderStackUp(result, ctx));
  });

  const down = stack
    .command('down')
    .description('stop the processes the stack started')
    .option('--purge', 'also delete the stack data and logs (.stack/); cached jars stay');
  withFormat(down, FORMATS).action(async (options: FormatFlags & { purge?: boolean }, command: Command) => {
    const ctx = printContext(options, FORMATS);
    const stopped = await createLocalStack(baseOptions(command)).down({ purge: options.purge });
    process.stdout.write(renderStackDown(stopped, Boolean(options.purge), ctx));
  });

  const status = stack
    .command('status')
    .description('show what runs and whether it serves; exits 1 when the stack is not fully up');
  withFormat(status, FORMATS, { legacyJson: true }).action(async (options: FormatFlags, command: Command) => {
    const ctx = printContext(options, FORMATS);
    const result = await createLocalStack(baseOptions(command)).status();
    process.stdout.write(renderStackStatus(result, ctx));
    if (result.state !== 'running') throw new FindingsExit(`stack ${result.state}`);
  });
}

function baseOptions(command: Command): LocalStackOptions {
  const configFile = resolve(String(command.optsWithGlobals().config ?? 'contracts.config.json'));
  return { rootDir: dirname(configFile), log: (line) => process.stderr.write(`${pc.dim('stack:')} ${line}\n`) };
}
