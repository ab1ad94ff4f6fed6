/**
 * Bad input 1: thousands of hostile byte strings (random, truncated, wrong magic byte, unknown
 * schema ID, valid header with a garbage body, empty) written raw to a topic among valid events.
 * The kit's consumer must never crash, handle the valid events, and put every hostile record in
 * the dead-letter topic with its reason and the same error code the decoder gives when fed the
 * bytes directly; the decoder itself only ever throws the kit's typed errors (the property of
 * test/unit/serde/fuzz.test.ts, here against the real registry). Runs on the shared stack, on a
 * topic of its own.
 */
import { randomUUID } from 'node:crypto';
import { createConsumer, CONSUMER_EVENTS, type MessageContext } from '../../../src/consumer';
import { DLQ_HEADERS } from '../../../src/dlq';
import { isContractsError } from '../../../src/errors';
import { createSerde } from '../../../src/serde';
import { bookingEvents } from '../../support/bookings-fixtures';
import { reportFigures } from '../../support/faults/figures';
import { HOSTILE_KINDS, hostileValues, type HostileValue } from '../../support/faults/hostile-bytes';
import { faultScenario } from '../../support/faults/scenario';
import { everyEvent, readWholeTopic, waitUntil } from '../../support/faults/stream';

jest.setTimeout(240_000);

const PER_KIND = 500;
const VALID = 400;
const SEED = 20_250_115;
const CASE_HEADER = 'fault-case';

const scenario = faultScenario({ name: 'hostile', topic: { partitions: 3 } });

/** What the decoder says about the bytes: 'event', or the code of its (typed) error. */
type Verdict = { outcome: 'event' } | { outcome: 'error'; code: string; typed: boolean; name: string };

describe('hostile bytes on the topic', () => {
  it(`dead-letters every one of ${(PER_KIND * 5 + 20).toLocaleString('en')} hostile records with its reason, and never crashes`, async () => {
    const began = Date.now();
    const { setup } = scenario;
    const serde = createSerde(setup.contract, setup.registry);
    const valid = await Promise.all(
      Object.values(bookingEvents()).map((e) => serde.encode({ ...e, eventId: randomUUID() })),
    );
    const schemaId = valid[0]!.readUInt32BE(1);
    const hostile = hostileValues({ perKind: PER_KIND, validMessages: valid, schemaId, seed: SEED });

    // 1. the decoder fed the bytes directly, against the real registry: only typed errors
    const verdicts: Verdict[] = [];
    for (const h of hostile) verdicts.push(await verdictOf(serde.decode.bind(serde), h));
    const untyped = verdicts.filter((v) => v.outcome === 'error' && !v.typed);
    expect(untyped).toEqual([]);

    // 2. the same bytes on Kafka, among valid events, through the kit's consumer
    const producer = setup.kafka.producer();
    await producer.connect();
    const validEvents = Array.from({ length: VALID }, (_, i) => ({
      ...Object.values(bookingEvents(`OK-${i}`))[i % 4]!,
      eventId: randomUUID(),
    }));
    const records = [
      ...hostile.map((h, i) => ({
        key: `hostile-${i}`,
        value: h.value,
        headers: { [CASE_HEADER]: String(i), 'fault-kind': h.kind },
      })),
      ...(await Promise.all(
        validEvents.map(async (e, i) => ({
          key: `valid-${i}`,
          value: await serde.encode(e),
          headers: { 'fault-kind': 'valid' },
        })),
      )),
    ];
    shuffle(records, SEED);
    for (let i = 0; i < records.length; i += 500)
      await producer.send({ topic: setup.contract.topic, acks: -1, messages: records.slice(i, i + 500) });
    await producer.disconnect();

    const handledCases: string[] = [];
    const handledValid = new Set<string>();
    const counts = { deadLettered: 0, crashed: 0, recovered: 0, transient: 0 };
    const record = async (event: { eventId: string }, context: MessageContext) => {
      const kase = context.headers[CASE_HEADER];
      if (kase === undefined) handledValid.add(event.eventId);
      else handledCases.push(String(kase));
    };
    const consumer = createConsumer({
      contract: setup.contract,
      groupId: `faults-hostile-${randomUUID()}`,
      brokers: scenario.brokers,
      registry: setup.registry,
      fromBeginning: true,
      stopOnSignals: [],
      handlers: everyEvent(record),
    });
    consumer.on(CONSUMER_EVENTS.DEAD_LETTERED, () => (counts.deadLettered += 1));
    // a crash kafkajs restarts from (a group coordinator still loading on a fresh stack) is not the
    // consumer giving up; one that stops it would be
    consumer.on(CONSUMER_EVENTS.CRASHED, ({ restart }) => (restart ? (counts.recovered += 1) : (counts.crashed += 1)));
    consumer.on(CONSUMER_EVENTS.TRANSIENT_ERROR, () => (counts.transient += 1));
    await consumer.start();
    try {
      await waitUntil(
        () => handledValid.size + handledCases.length + counts.deadLettered >= records.length,
        () =>
          `${records.length} records handled or dead-lettered, ${handledValid.size + handledCases.length + counts.deadLettered} so far`,
        180_000,
      );
    } finally {
      await consumer.stop();
    }

    // 3. the dead-letter topic: every hostile record, with the reason and code the decoder gave
    const dlq = await readWholeTopic(setup.kafka, setup.contract.deadLetterTopic);
    const byCase = new Map(
      dlq.filter((r) => r.headers[CASE_HEADER] !== undefined).map((r) => [Number(r.headers[CASE_HEADER]), r.headers]),
    );
    const mismatches: string[] = [];
    const byReason: Record<string, number> = {};
    const byCode: Record<string, number> = {};
    const byKind: Record<string, { sent: number; deadLettered: number; decodedAsEvents: number }> = {};
    for (const kind of HOSTILE_KINDS) byKind[kind] = { sent: 0, deadLettered: 0, decodedAsEvents: 0 };
    hostile.forEach((h, i) => {
      const verdict = verdicts[i]!;
      const headers = byCase.get(i);
      const kind = byKind[h.kind]!;
      kind.sent += 1;
      if (verdict.outcome === 'event') {
        kind.decodedAsEvents += 1;
        if (!handledCases.includes(String(i)))
          mismatches.push(`case ${i} (${h.kind}) decodes to an event but was not handled`);
        return;
      }
      if (!headers)
        return void mismatches.push(`case ${i} (${h.kind}, ${verdict.code}) is not in the dead-letter topic`);
      kind.deadLettered += 1;
      const reason = headers[DLQ_HEADERS.REASON]!;
      const code = headers[DLQ_HEADERS.ERROR_CODE]!;
      byReason[reason] = (byReason[reason] ?? 0) + 1;
      byCode[code] = (byCode[code] ?? 0) + 1;
      const expectedReason = verdict.code === 'UNKNOWN_EVENT_TYPE' ? 'unknown-event-type' : 'undecodable';
      if (reason !== expectedReason || code !== verdict.code) {
        mismatches.push(`case ${i} (${h.kind}): dead-lettered as ${reason}/${code}, the decoder says ${verdict.code}`);
      }
      if (!headers[DLQ_HEADERS.ERROR_MESSAGE]) mismatches.push(`case ${i}: no ${DLQ_HEADERS.ERROR_MESSAGE}`);
    });
    const expectedInDlq = verdicts.filter((v) => v.outcome === 'error').length;
    const lost =
      mismatches.filter((m) => m.includes('not in the dead-letter topic') || m.includes('not handled')).length +
      (VALID - handledValid.size);

    reportFigures({
      scenario: 'hostile-bytes',
      fault: `${hostile.length.toLocaleString('en')} hostile byte strings (${HOSTILE_KINDS.join(', ')}) among ${VALID} valid events`,
      sent: records.length,
      handled: handledValid.size + handledCases.length,
      duplicates: 0,
      deadLettered: dlq.length,
      lost,
      details: {
        hostile: hostile.length,
        valid: VALID,
        decoderTypedErrors: expectedInDlq,
        decoderUntypedErrors: untyped.length,
        consumerCrashes: counts.crashed,
        consumerCrashesRecovered: counts.recovered,
        ...Object.fromEntries(Object.entries(byReason).map(([k, v]) => [`reason:${k}`, v])),
        ...Object.fromEntries(Object.entries(byCode).map(([k, v]) => [`code:${k}`, v])),
        ...Object.fromEntries(
          Object.entries(byKind).map(([k, v]) => [
            `kind:${k}`,
            `${v.deadLettered}/${v.sent} dead-lettered, ${v.decodedAsEvents} decoded`,
          ]),
        ),
      },
      durationMs: Date.now() - began,
    });
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(counts.crashed).toBe(0);
    expect(handledValid.size).toBe(VALID);
    expect(dlq.length).toBe(expectedInDlq);
    expect(byCase.size).toBe(expectedInDlq);
    expect(lost).toBe(0);
  });
});

async function verdictOf(decode: (bytes: Buffer | null) => Promise<unknown>, h: HostileValue): Promise<Verdict> {
  try {
    await decode(h.value);
    return { outcome: 'event' };
  } catch (error) {
    return {
      outcome: 'error',
      typed: isContractsError(error),
      code: isContractsError(error) ? error.code : 'UNTYPED',
      name: error instanceof Error ? error.name : typeof error,
    };
  }
}

/** Fisher–Yates with a seeded generator, so the interleaving reproduces. */
function shuffle<T>(items: T[], seed: number): void {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
