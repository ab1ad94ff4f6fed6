/**
 * `contracts apply` as one call: the config's topics (with their dead-letter topics) made so in
 * Kafka, then its subjects registered at their levels; or, with `dryRun`, the plan of both.
 */
import type { Kafka } from 'kafkajs';
import type { ContractsConfig } from '../config';
import type { SchemaRegistryClient } from '../registry';
import { applyTopics, planTopics, type TopicPlan } from '../topics';
import { applyRegistration, planRegistration } from './plan';
import type { RegistrationPlan, RegistrationResult } from './types';

export interface ApplyOptions {
  config: ContractsConfig;
  /** Only this topic (its dead-letter topic and subjects). */
  topic?: string;
  /** Kafka to make the topics in; undefined leaves Kafka alone. */
  kafka?: Kafka;
  /** The registry to register the subjects in; undefined leaves the registry alone. */
  registry?: SchemaRegistryClient;
  /** Plan only: change nothing. */
  dryRun?: boolean;
}

export interface ApplyResult {
  dryRun: boolean;
  /** The topics' plan (dry run) or what was done to them; absent when Kafka was left alone. */
  topics?: TopicPlan;
  /** The subjects' plan, on a dry run with a registry. */
  plan?: RegistrationPlan;
  /** What was registered, on a real run with a registry. */
  registration?: RegistrationResult;
}

export async function applyContracts(options: ApplyOptions): Promise<ApplyResult> {
  const { config, topic, kafka, registry } = options;
  const dryRun = Boolean(options.dryRun);
  const result: ApplyResult = { dryRun };
  if (kafka) {
    const topics = config.topics.filter((t) => !topic || t.name === topic);
    result.topics = dryRun ? await planTopics(kafka, topics) : await applyTopics(kafka, topics);
  }
  if (registry) {
    if (dryRun) result.plan = await planRegistration({ config, registry, topic });
    else result.registration = await applyRegistration({ config, registry, topic });
  }
  return result;
}
