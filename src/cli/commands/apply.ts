import type { Command } from 'commander';
import { resolveKafka } from '../../kafka/client';
import { applyContracts } from '../../registration';
import { FindingsExit } from '../exit';
import { renderApply } from '../print/plan';
import { configOf, printContext, registryFrom, withFormat, type FormatFlags } from './shared';

interface ApplyFlags extends FormatFlags {
  dryRun?: boolean;
  topic?: string;
  registry?: string;
  brokers?: string;
  subjects?: boolean;
  topics?: boolean;
}

/** `contracts apply`: the config's topics (with their dead-letter topics), then its subjects and levels. */
export function registerApplyCommand(program: Command): void {
  const apply = program
    .command('apply')
    .description(
      'make Kafka and the registry match the config: create or update its topics and dead-letter topics (partitions, topic configs), then register its subjects at their compatibility levels',
    )
    .option('--dry-run', 'print what would change and change nothing')
    .option('--topic <name>', 'only this topic (and its dead-letter topic and subjects)')
    .option('--no-topics', 'leave Kafka alone (subjects only, as `contracts register`)')
    .option('--no-subjects', 'leave the registry alone (topics only)')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)');
  withFormat(apply, ['text', 'json']).action(async (flags: ApplyFlags, command: Command) => {
    const ctx = printContext(flags, ['text', 'json']);
    const result = await applyContracts({
      config: configOf(command),
      topic: flags.topic,
      kafka: flags.topics === false ? undefined : resolveKafka({ brokers: flags.brokers }, 'contracts-apply'),
      registry: flags.subjects === false ? undefined : registryFrom(flags.registry),
      dryRun: flags.dryRun,
    });
    process.stdout.write(renderApply(result, ctx));
    if (result.plan && !result.plan.compatible) throw new FindingsExit('the registry would refuse a change');
  });
}
