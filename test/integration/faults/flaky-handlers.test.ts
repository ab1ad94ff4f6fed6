/**
 * Fault: flaky and broken handlers. Of a stream of events, some fail once or twice before they
 * succeed (retried by the consumer within its attempts, never dead-lettered), others fail every
 * time until a fix is deployed (dead-lettered after the last attempt, with reason handler-failed
 * and the attempts counted). After the fix, replayDeadLetters() puts them back on the topic and
 * the same consumer handles them: lost = 0. Shared stack, topic of its own.
 */
import { replayDeadLetters } from '../../../src/dlq';
import { DLQ_HEADERS } from '../../../src/dlq';
import { CONSUMER_EVENTS } from '../../../src/consumer';
import { reportFigures, Tally } from '../../support/faults/figures';
import { faultScenario } from '../../support/faults/scenario';
import { everyEvent, makeEvents, readWholeTopic, waitUntil } from '../../support/faults/stream';

jest.setTimeout(240_000);

const EVENTS = 2_000;
const ATTEMPTS = 3;
/**
 * Every 7th event fails once, every 11th twice (both succeed within the attempts); every 13th always
 * fails until the fix.
 */
const failuresBeforeSuccess = (index: number) =>
  index % 13 === 0 ? Infinity : index % 11 === 0 ? 2 : index % 7 === 0 ? 1 : 0;

const scenario = faultScenario({ name: 'flaky', topic: { partitions: 3 } });

describe('flaky handlers', () => {
  it(`retries intermittent failures, dead-letters the broken events and brings them back by replay (${EVENTS.toLocaleString('en')} events)`, async () => {
    const began = Date.now();
    const { setup } = scenario;
    const events = makeEvents(EVENTS);
    const indexOf = new Map(events.map((e, i) => [e.eventId, i]));
    const failedSoFar = new Map<string, number>();
    let fixed = false;
    const succeeded = new Tally();
    const handle = async (event: { eventId: string }) => {
      const index = indexOf.get(event.eventId)!;
      const failures = failedSoFar.get(event.eventId) ?? 0;
      if (!fixed && failures < failuresBeforeSuccess(index)) {
        failedSoFar.set(event.eventId, failures + 1);
        throw new Error(`inventory service timed out for event ${index}`);
      }
      succeeded.add(event.eventId);
    };
    const { consumer, counts, groupId } = scenario.consumer(setup, {
      retry: { attempts: ATTEMPTS, initialDelayMs: 5, maxDelayMs: 20 },
      handlers: everyEvent(handle),
    });
    let retried = 0;
    consumer.on(CONSUMER_EVENTS.RETRIED, () => (retried += 1));
    await consumer.start();
    const broken = events.filter((_, i) => failuresBeforeSuccess(i) === Infinity).length;
    const flaky = events.filter((_, i) => failuresBeforeSuccess(i) > 0 && failuresBeforeSuccess(i) !== Infinity).length;
    let replay;
    try {
      const published = await scenario.publish(events, { batchSize: 500 });
      expect(published.acknowledged).toHaveLength(EVENTS);
      await waitUntil(
        () => succeeded.distinct + counts.deadLettered >= EVENTS,
        () => `${EVENTS} handled or dead-lettered, ${succeeded.distinct} + ${counts.deadLettered} so far`,
        120_000,
      );
      expect(counts.deadLettered).toBe(broken);
      expect(succeeded.distinct).toBe(EVENTS - broken);

      // the fix is deployed; the dead-lettered events are replayed to the topic
      fixed = true;
      replay = await replayDeadLetters({
        contract: setup.contract,
        brokers: scenario.brokers,
        group: groupId,
      });
      await waitUntil(
        () => succeeded.distinct >= EVENTS,
        () => `${EVENTS} handled after the replay, ${succeeded.distinct} so far`,
        120_000,
      );
    } finally {
      await consumer.stop();
    }

    const dlq = await readWholeTopic(setup.kafka, setup.contract.deadLetterTopic);
    const lost = succeeded.missing(events.map((e) => e.eventId)).length;
    reportFigures({
      scenario: 'flaky-handlers',
      fault: `handlers failing intermittently (${flaky} events fail 1-2 times) or until a fix (${broken} events), then a replay`,
      sent: EVENTS,
      handled: succeeded.distinct,
      duplicates: succeeded.duplicates,
      deadLettered: dlq.length,
      lost,
      details: {
        flakyEvents: flaky,
        brokenEvents: broken,
        handlerRetries: retried,
        replayed: replay.replayed,
        replaySkipped: replay.skipped,
        attemptsPerDeadLetter: ATTEMPTS,
      },
      durationMs: Date.now() - began,
    });
    expect(retried).toBe(events.reduce((sum, _, i) => sum + Math.min(failuresBeforeSuccess(i), ATTEMPTS - 1), 0));
    expect(dlq).toHaveLength(broken);
    for (const record of dlq) {
      expect(record.headers[DLQ_HEADERS.REASON]).toBe('handler-failed');
      expect(record.headers[DLQ_HEADERS.ATTEMPTS]).toBe(String(ATTEMPTS));
      expect(record.headers[DLQ_HEADERS.ERROR_MESSAGE]).toContain('inventory service timed out');
    }
    expect(replay.replayed).toBe(broken);
    expect(lost).toBe(0);
    expect(succeeded.duplicates).toBe(0);
  });
});
