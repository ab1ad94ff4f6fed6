/**
 * Codegen's reader of Protobuf topics: the model of bookings-proto (subjects by import path,
 * dependencies first, the envelope fields the producer fills) and the mistakes it names.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, parseConfig } from '../../../../src/config';
import { SchemaFileError } from '../../../../src/errors';
import { readProtobufTopic } from '../../../../src/formats/protobuf/reader';
import { ROOT } from '../../../support/bookings-samples';

describe('readProtobufTopic', () => {
  it('reads bookings-proto: events by oneof case, subjects by import path, imports before importers', () => {
    const config = loadConfig(join(ROOT, 'contracts.config.json'));
    const model = readProtobufTopic(
      config.topics.find((t) => t.name === 'bookings-proto')!,
      config.rootDir,
    );
    expect(model.events.map((e) => [e.eventType, e.name, e.subject])).toEqual([
      ['booking.created', 'travel.bookings.v1.BookingCreated', 'travel/bookings/v1/booking_created.proto'],
      ['booking.confirmed', 'travel.bookings.v1.BookingConfirmed', 'travel/bookings/v1/booking_confirmed.proto'],
      ['booking.cancelled', 'travel.bookings.v1.BookingCancelled', 'travel/bookings/v1/booking_cancelled.proto'],
      ['booking.failed', 'travel.bookings.v1.BookingFailed', 'travel/bookings/v1/booking_failed.proto'],
    ]);
    expect(model.valueSubject).toBe('bookings-proto-value');
    expect(model.autoFields).toEqual(['eventId', 'timestamp', 'source']);
    const order = model.schemas.map((s) => s.subject);
    for (const spec of model.schemas) {
      for (const ref of spec.references) expect(order.indexOf(ref.subject)).toBeLessThan(order.indexOf(spec.subject));
    }
    expect(order.some((s) => s.startsWith('google/'))).toBe(false);
  });

  describe('names what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proto-reader-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const attempt = (files: Record<string, string>, topic: Record<string, unknown> = {}) => {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      const config = parseConfig(
        {
          topics: [
            {
              name: 'orders',
              format: 'PROTOBUF',
              value: 'p/shop/v1/value.proto',
              events: [{ type: 'order.placed', schema: 'p/shop/v1/placed.proto' }],
              key: 'orderId',
              ...topic,
            },
          ],
        },
        join(dir, 'contracts.config.json'),
      );
      try {
        readProtobufTopic(config.topics[0]!, dir);
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaFileError);
        return (error as Error).message;
      }
      throw new Error('read');
    };
    const message = 'message OrderPlaced { string event_type = 1; string order_id = 2; }';
    const placed = `syntax = "proto3"; package shop.v1; ${message}`;

    it('a value message without a oneof of events', () => {
      expect(
        attempt({
          'p/shop/v1/placed.proto': placed,
          'p/shop/v1/value.proto':
            'syntax = "proto3"; package shop.v1; import "shop/v1/placed.proto"; message V { OrderPlaced placed = 1; }',
        }),
      ).toMatch(/^p\/shop\/v1\/value\.proto: the first message .* must hold the events in one oneof/);
    });

    it('an event file whose message is no case of the oneof, and an import that is not there', () => {
      const value = (body: string) =>
        `syntax = "proto3"; package shop.v1; import "shop/v1/placed.proto"; message V { oneof event { ${body} } }`;
      expect(attempt({ 'p/shop/v1/placed.proto': placed, 'p/shop/v1/value.proto': value('string x = 1;') })).toMatch(
        /must hold the events in one oneof of message fields/,
      );
      expect(
        attempt({
          'p/shop/v1/placed.proto': `syntax = "proto3"; package shop.v1; import "shop/v1/money.proto"; ${message}`,
          'p/shop/v1/value.proto': value('OrderPlaced placed = 1;'),
        }),
      ).toBe(
        'p/shop/v1/placed.proto: import "shop/v1/money.proto": no file p/shop/v1/money.proto (imports are relative to p)',
      );
    });

    it('an imported file the topic does not list in references (a git baseline would not have it)', () => {
      const files = {
        'q/shop/v1/money.proto': 'syntax = "proto3"; package shop.v1; message Money { int64 minor = 1; }',
        'q/shop/v1/placed.proto': `syntax = "proto3"; package shop.v1; import "shop/v1/money.proto"; ${message}`,
        'q/shop/v1/value.proto':
          'syntax = "proto3"; package shop.v1; import "shop/v1/placed.proto"; message V { oneof event { OrderPlaced placed = 1; } }',
      };
      const topic = {
        value: 'q/shop/v1/value.proto',
        events: [{ type: 'order.placed', schema: 'q/shop/v1/placed.proto' }],
      };
      expect(attempt(files, topic)).toBe(
        'q/shop/v1/placed.proto: import "shop/v1/money.proto": q/shop/v1/money.proto is not in the references of topic orders',
      );
      expect(() => attempt(files, { ...topic, references: ['q/shop/v1/money.proto'] })).toThrow('read');
    });

    it('a subject strategy other than TopicNameStrategy', () => {
      expect(attempt({}, { subjectStrategy: 'RecordNameStrategy' })).toMatch(
        /Protobuf topics use TopicNameStrategy .* RecordNameStrategy is not supported for them yet/,
      );
    });
  });
});
