/**
 * The operator's actions of `contracts ui`: every route that changes something. Each is a POST whose
 * body has `dryRun` (true unless it is `false`), answers the same plan for the dry run as for the
 * applied change, is refused for a viewer (403) and leaves one entry in the audit log either way:
 * who, when, what, dry run or applied, and how it ended. The access hook (access.ts) has already
 * checked the Origin and the CSRF token of every POST before a route runs. The routes only parse
 * and audit: what they do is an operation of a layer below (src/actions, src/dlq, the registry).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kafka } from 'kafkajs';
import {
  OFFSET_TARGETS,
  resetGroupOffsets,
  type ContractProducers,
  type OffsetTarget,
  type ProducedRecord,
} from '../actions';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../config';
import { DEAD_LETTER_REASONS, replayDeadLetters } from '../dlq';
import { isContractsError, UsageError } from '../errors';
import type { SchemaRegistryClient } from '../registry/types';
import { refuseUnless } from './access';
import type { LevelChange, OffsetResetBody, ProduceBody, ReplayAnswer, ReplayBody } from './api';
import type { AuditLog } from './audit';
import type { Catalog } from './catalog';

export interface ActionDeps {
  audit: AuditLog;
  registry: SchemaRegistryClient;
  catalog: Catalog;
  kafka(): Kafka;
  /** A topic's dead-letter topic, as the dead-letter page reads it. */
  deadLetterTopicOf(topic: string): string;
  /** The config's contracts, for producing an event. */
  producers: ContractProducers;
}

/** Error codes that mean the request was refused as asked (nothing was tried), not that it failed. */
const REFUSALS = new Set(['USAGE', 'GROUP_NOT_EMPTY', 'EVENT_INVALID', 'TOPIC_NOT_FOUND', 'UNKNOWN_EVENT_TYPE']);

/**
 * Registers an operator's action at `path`: `run` gets the params and the body (with `dryRun`
 * settled) and answers the route's body and the audit entry's detail (`BACKWARD → FULL`, `3
 * partitions`, …). `target` names what the action acts on, for the audit log.
 */
export function operatorAction<P, B extends { dryRun?: boolean }, A>(
  app: FastifyInstance,
  audit: AuditLog,
  path: string,
  action: string,
  target: (params: P, body: Partial<B>) => string,
  run: (
    params: P,
    body: Partial<B> & { dryRun: boolean },
    request: FastifyRequest,
  ) => Promise<{ answer: A; detail: string }>,
): void {
  app.post(path, async (request, reply) => {
    const user = request.uiSession!.user;
    const params = request.params as P;
    const given = (request.body ?? {}) as Partial<B>;
    const body = { ...given, dryRun: given.dryRun !== false };
    const entry = { user: user.name, role: user.role, action, target: target(params, body), dryRun: body.dryRun };
    if (await refuseUnless('operator', request, reply)) {
      audit.record({ ...entry, result: 'refused', detail: 'not an operator' });
      return reply;
    }
    try {
      const { answer, detail } = await run(params, body, request);
      audit.record({ ...entry, result: 'ok', detail });
      return answer;
    } catch (error) {
      const refused = isContractsError(error) && REFUSALS.has(error.code);
      audit.record({ ...entry, result: refused ? 'refused' : 'failed', detail: (error as Error).message });
      throw error;
    }
  });
}

/** The action routes; the server calls it once, after the access hook. */
export function installActions(app: FastifyInstance, deps: ActionDeps): void {
  const { audit, registry, catalog } = deps;

  // a subject's compatibility level
  operatorAction<{ subject: string }, { level: string; dryRun: boolean }, LevelChange>(
    app,
    audit,
    '/api/subjects/:subject/level',
    'set-level',
    (params) => params.subject,
    async ({ subject }, { level, dryRun }) => {
      if (!COMPATIBILITY_LEVELS.includes(level as CompatibilityLevel))
        throw new UsageError(
          `level ${JSON.stringify(level)} is none of ${COMPATIBILITY_LEVELS.join(', ')}`,
          'pick a level of the list',
        );
      const to = level as CompatibilityLevel;
      const current = await catalog.levelOf(subject);
      // a subject on the global level gets a level of its own, even the same one
      const changes = current.source === 'global' || current.level !== to;
      const detail = `${current.level}${current.source === 'global' ? ' (global)' : ''} → ${to}`;
      if (!dryRun) {
        await registry.setCompatibility(to, subject);
        catalog.listSubjects({ refresh: true }).catch(() => undefined);
      }
      return {
        answer: { subject, from: current.level, fromSource: current.source, to, dryRun, changes },
        detail,
      };
    },
  );

  // a consumer group's committed offsets on one topic, only while the group is empty
  operatorAction<{ group: string }, OffsetResetBody, Awaited<ReturnType<typeof resetGroupOffsets>>>(
    app,
    audit,
    '/api/groups/:group/offsets',
    'reset-offsets',
    (params, body) => `${params.group} on ${body.topic ?? '?'}`,
    async ({ group }, body) => {
      const plan = await resetGroupOffsets({
        kafka: deps.kafka(),
        group,
        topic: requiredText(body.topic, 'topic'),
        target: offsetTarget(body),
        partitions: body.partitions,
        dryRun: body.dryRun,
      });
      const moved = plan.partitions.filter((p) => p.from !== p.to);
      return {
        answer: plan,
        detail: `to ${plan.target}: ${moved.map((p) => `${p.partition}: ${p.from ?? 'none'} → ${p.to}`).join(', ') || 'nothing moves'}`,
      };
    },
  );

  // the dead letters of one group (and reason) back to it: `contracts dlq replay`'s operation
  operatorAction<{ topic: string }, ReplayBody, ReplayAnswer>(
    app,
    audit,
    '/api/topics/:topic/dead-letters/replay',
    'replay-dead-letters',
    (params, body) => `${params.topic} group ${body.group ?? '?'}${body.reason ? ` reason ${body.reason}` : ''}`,
    async ({ topic }, body) => {
      const group = requiredText(body.group, 'group');
      const reason = body.reason || undefined;
      if (reason && !(DEAD_LETTER_REASONS as readonly string[]).includes(reason))
        throw new UsageError(`unknown reason "${reason}"`, `use one of ${DEAD_LETTER_REASONS.join(', ')}`);
      const result = await replayDeadLetters({
        kafka: deps.kafka(),
        contract: { topic, deadLetterTopic: deps.deadLetterTopicOf(topic) },
        group,
        filter: reason ? (info) => info.reason === reason : undefined,
        dryRun: body.dryRun,
      });
      return {
        answer: { ...result, topic, group, reason: reason ?? null, dryRun: body.dryRun },
        detail: `${result.replayed} record${result.replayed === 1 ? '' : 's'} from ${result.deadLetterTopic} to ${topic} for ${group} (${result.alreadyReplayed} replayed before, ${result.truncated} truncated)`,
      };
    },
  );

  // one event of a contract, through the typed producer (its validation, encoding, key and headers)
  operatorAction<{ topic: string }, ProduceBody, ProducedRecord>(
    app,
    audit,
    '/api/topics/:topic/produce',
    'produce',
    (params, body) => `${params.topic} ${body.eventType ?? '?'}`,
    async ({ topic }, body) => {
      const record = await deps.producers.produce({
        topic,
        eventType: requiredText(body.eventType, 'event type'),
        payload: body.payload,
        key: body.key || undefined,
        dryRun: body.dryRun,
      });
      const where = record.partition === null ? '' : ` at ${topic}/${record.partition}/${record.offset ?? '?'}`;
      return {
        answer: record,
        detail: `key ${record.key ?? '(none)'}, event ${record.eventId ?? '?'}, schema ID ${record.schemaId}${where}`,
      };
    },
  );
}

function requiredText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`the request has no ${name}`, `give a ${name}`);
  return value;
}

function offsetTarget(body: Partial<OffsetResetBody>): OffsetTarget {
  const to = body.to;
  if (to === 'earliest' || to === 'latest') return { to };
  if (to === 'offset') return { to, offset: requiredText(body.offset, 'offset') };
  if (to === 'timestamp') {
    const text = requiredText(body.timestamp, 'time');
    const timestamp = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isNaN(timestamp))
      throw new UsageError(`"${text}" is not a time`, 'use ISO 8601 (2026-12-01T13:00:00Z) or ms since the epoch');
    return { to, timestamp };
  }
  throw new UsageError(`"${String(to)}" is not where offsets can go`, `use one of ${OFFSET_TARGETS.join(', ')}`);
}
