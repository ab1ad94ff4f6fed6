/**
 * Bad input 2: thousands of generated invalid events (one thing broken in each: wrong type, missing
 * field, unknown field, enum value, fraction or overflow in an int, not an object) passed to the
 * kit's producer, one by one and inside batches. Each must be refused with a typed
 * EventValidationError carrying issues, and nothing may reach Kafka: the end offsets of the topic
 * and of its dead-letter topic do not move. Shared stack, topic of its own.
 */
import { EventValidationError } from '../../../src/errors';
import { createProducer } from '../../../src/producer';
import { bookingInputs } from '../../support/bookings-fixtures';
import { reportFigures } from '../../support/faults/figures';
import { invalidInputs, MUTATIONS } from '../../support/faults/invalid-events';
import { faultScenario } from '../../support/faults/scenario';
import { endOffsetSum } from '../../support/it-helpers';

jest.setTimeout(180_000);

const SINGLE = 3_000;
const BATCHES = 200;
const BATCH_SIZE = 10;
const SEED = 9;

const scenario = faultScenario({ name: 'invalid', topic: { partitions: 3 } });

describe('invalid events passed to the producer', () => {
  it(`refuses ${SINGLE.toLocaleString('en')} invalid events and ${BATCHES} batches holding one, and sends nothing`, async () => {
    const began = Date.now();
    const { setup } = scenario;
    const producer = createProducer({
      contract: setup.contract,
      brokers: scenario.brokers,
      registry: setup.registry,
    });
    await producer.connect();
    // warm: one valid event, so the schema IDs are resolved and the connection is up
    await producer.publish('booking.created', bookingInputs('WARM')['booking.created']);
    const topicBefore = await endOffsetSum(setup.kafka, setup.contract.topic);
    const dlqBefore = await endOffsetSum(setup.kafka, setup.contract.deadLetterTopic);

    const wrong: string[] = [];
    const byMutation: Record<string, number> = {};
    const byKeyword: Record<string, number> = {};
    let refused = 0;
    const inputs = invalidInputs(SINGLE, SEED);
    for (const input of inputs) {
      const error = await producer.publish(input.eventType, input.payload as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof EventValidationError) || error.issues.length === 0) {
        wrong.push(
          `${input.mutation} at ${input.path || '/'} of ${input.eventType}: ${error === undefined ? 'was SENT' : String(error)}`,
        );
        continue;
      }
      refused += 1;
      byMutation[input.mutation] = (byMutation[input.mutation] ?? 0) + 1;
      const keyword = error.issues[0]!.keyword;
      byKeyword[keyword] = (byKeyword[keyword] ?? 0) + 1;
    }

    // one invalid event in a batch of valid ones: the whole batch is refused
    let batchesRefused = 0;
    const batchInputs = invalidInputs(BATCHES, SEED + 1);
    for (const [b, bad] of batchInputs.entries()) {
      const valid = bookingInputs(`OK-${b}`);
      const items = Array.from({ length: BATCH_SIZE - 1 }, (_, i) => {
        const eventType = (['booking.created', 'booking.confirmed', 'booking.cancelled', 'booking.failed'] as const)[
          i % 4
        ]!;
        return { eventType, payload: valid[eventType] } as never;
      });
      items.splice(b % BATCH_SIZE, 0, { eventType: bad.eventType, payload: bad.payload } as never);
      const error = await producer.publishBatch(items).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error instanceof EventValidationError) batchesRefused += 1;
      else
        wrong.push(
          `batch ${b} with ${bad.mutation} at ${bad.path || '/'}: ${error === undefined ? 'was SENT' : String(error)}`,
        );
    }
    await producer.disconnect();

    const topicMoved = Number((await endOffsetSum(setup.kafka, setup.contract.topic)) - topicBefore);
    const dlqMoved = Number((await endOffsetSum(setup.kafka, setup.contract.deadLetterTopic)) - dlqBefore);
    reportFigures({
      scenario: 'invalid-payloads',
      fault: `${inputs.length.toLocaleString('en')} invalid events (${MUTATIONS.join(', ')}) and ${BATCHES} batches of ${BATCH_SIZE} holding one`,
      sent: inputs.length + batchInputs.length,
      handled: 0,
      duplicates: 0,
      deadLettered: dlqMoved,
      // for refused input, "lost" is what got through anyway
      lost: topicMoved,
      details: {
        refusedSingly: refused,
        batchesRefused,
        recordsWrittenToTopic: topicMoved,
        notRefusedAsTyped: wrong.length,
        ...Object.fromEntries(Object.entries(byMutation).map(([k, v]) => [`mutation:${k}`, v])),
        ...Object.fromEntries(Object.entries(byKeyword).map(([k, v]) => [`firstIssueKeyword:${k}`, v])),
      },
      durationMs: Date.now() - began,
    });
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(refused).toBe(inputs.length);
    expect(inputs.length).toBe(SINGLE);
    expect(batchesRefused).toBe(BATCHES);
    expect(topicMoved).toBe(0);
    expect(dlqMoved).toBe(0);
  });
});
