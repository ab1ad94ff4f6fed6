import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { resolveKafka } from '../../kafka/client';
import { applyRegistration, planRegistration } from '../../registration';
import { applyTopics, planTopics } from '../../topics';
import { FindingsExit } from '../exit';
import { colorsFor, parseFormat } from '../print/output';
import { renderPlan, renderRegistration } from '../print/plan';
import { renderTopicPlan } from '../print/topics';
import { registryFrom } from './register';

interface ApplyFlags {
  dryRun?: boolean;
  topic?: string;
  registry?: string;
  brokers?: string;
  format?: string;
  subjects?: boolean;
  topics?: boolean;
}

/** `contracts apply`: the config's topics (with their dead-letter topics), then its subjects and levels. */
export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description(
      'make Kafka and the registry match the config: create or update its topics and dead-letter topics (partitions, topic configs), then register its subjects at their compatibility levels',
    )
    .option('--dry-run', 'print what would change and change nothing')
    .option('--topic <name>', 'only this topic (and its dead-letter topic and subjects)')
    .option('--no-topics', 'leave Kafka alone (subjects only, as `contracts register`)')
    .option('--no-subjects', 'leave the registry alone (topics only)')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: ApplyFlags, command: Command) => {
      const format = parseFormat(flags.format);
      const config = loadConfig(command.optsWithGlobals().config as string);
      const topics = config.topics.filter((t) => !flags.topic || t.name === flags.topic);
      const ctx = { format, colors: colorsFor(process.stdout), cwd: process.cwd() };
      if (flags.topics !== false) {
        const kafka = resolveKafka({ brokers: flags.brokers }, 'contracts-apply');
        const plan = flags.dryRun ? await planTopics(kafka, topics) : await applyTopics(kafka, topics);
        process.stdout.write(renderTopicPlan(plan, ctx, Boolean(flags.dryRun)));
      }
      if (flags.subjects !== false) {
        const registry = registryFrom(flags.registry);
        if (flags.dryRun) {
          const plan = await planRegistration({ config, registry, topic: flags.topic });
          process.stdout.write(renderPlan(plan, ctx));
          if (!plan.compatible) throw new FindingsExit('the registry would refuse a change');
        } else {
          process.stdout.write(
            renderRegistration(await applyRegistration({ config, registry, topic: flags.topic }), ctx),
          );
        }
      }
    });
}
