/**
 * A broker's refusal, as each transport's error reaches the kit: the KafkaError names the broker's
 * error type (@platformatic/kafka's message names only the API), says whether trying again helps,
 * and hints at the fix.
 */
import { ResponseError } from '@platformatic/kafka';
import { toKafkaError } from '../../../src/kafka/client';

/** How @platformatic/kafka rejects a ConsumerGroupHeartbeat (API key 68) the broker answered with `code`. */
const heartbeatRefused = (code: number) => new ResponseError(68, 0, { '': [code, null] }, {});

describe('toKafkaError on a platformatic refusal', () => {
  it('names UNRELEASED_INSTANCE_ID, makes it retriable and says why a restarted static member waits', () => {
    const error = toKafkaError(heartbeatRefused(111), 'joining group billing', 'bookings', ['127.0.0.1:9092']);
    expect(error).toMatchObject({ code: 'KAFKA', retriable: true });
    expect(error.message).toContain('UNRELEASED_INSTANCE_ID');
    expect(error.message).toContain('at 127.0.0.1:9092');
    expect((error as { hint?: string }).hint).toMatch(/membership\.instanceId.*session has not expired/);
  });

  it('names another refusal by its type, without the instance-id hint', () => {
    // 25: UNKNOWN_MEMBER_ID
    const error = toKafkaError(heartbeatRefused(25), 'joining group billing');
    expect(error.message).toContain('UNKNOWN_MEMBER_ID');
    expect((error as { hint?: string }).hint).not.toMatch(/instanceId/);
  });
});
