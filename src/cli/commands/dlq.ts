import type { Command } from 'commander';
import { DEAD_LETTER_REASONS, replayDeadLetters, type DeadLetterReason } from '../../dlq';
import { UsageError } from '../../errors';
import { pickTopic } from './tail';

interface ReplayFlags {
  dryRun?: boolean;
  reason?: string;
  eventType?: string;
  group?: string;
  timeout?: string;
  brokers?: string;
}

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('work with dead-lettered records (see `contracts tail --dlq` to read them)');
  dlq
    .command('replay')
    .description('re-publish dead-lettered records, byte for byte, to the topic they came from')
    .argument('[topic]', 'topic of the config whose dead-letter topic to replay (default: the first one)')
    .option('--dry-run', 'count what would be replayed; send and commit nothing')
    .option('--reason <reason>', `only records dead-lettered for this reason (${DEAD_LETTER_REASONS.join(', ')})`)
    .option('--event-type <type>', 'only records of this event type')
    .option('--group <id>', 'consumer group that remembers what was replayed (default contracts-dlq-replay.<dlq topic>)')
    .option('--timeout <ms>', 'give up after this long', '60000')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)')
    .action(async (topicArg: string | undefined, flags: ReplayFlags, command: Command) => {
      const topic = pickTopic(command, topicArg);
      if (flags.reason && !(DEAD_LETTER_REASONS as readonly string[]).includes(flags.reason)) {
        throw new UsageError(`unknown reason "${flags.reason}"`, `use one of ${DEAD_LETTER_REASONS.join(', ')}`);
      }
      const reason = flags.reason as DeadLetterReason | undefined;
      const result = await replayDeadLetters({
        contract: { topic: topic.name, deadLetterTopic: topic.deadLetterTopic },
        brokers: flags.brokers,
        groupId: flags.group,
        dryRun: flags.dryRun,
        timeoutMs: Number(flags.timeout),
        filter: (info) => (!reason || info.reason === reason) && (!flags.eventType || info.eventType === flags.eventType),
      });
      const verb = flags.dryRun ? 'would replay' : 'replayed';
      process.stdout.write(
        `${verb} ${result.replayed} record(s) from ${result.deadLetterTopic} to ${topic.name}` +
          `${result.skipped > 0 ? ` (${result.skipped} skipped)` : ''}\n`,
      );
    });
}
