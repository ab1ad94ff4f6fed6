/**
 * A dead-letter topic takes what its source topic takes plus room for the dlq.* headers, so a
 * message near the source's limit is dead-lettered whole (the bounded record is the last resort).
 */
import { deadLetterMaxBytes, wantedTopics } from '../../../src/topics';
import type { TopicConfig } from '../../../src/config';

const topic = (topicConfig: Record<string, string>, deadLetterTopicConfig: Record<string, string> = {}) =>
  ({
    name: 'bookings',
    deadLetterTopic: 'bookings.dlq',
    partitions: 3,
    replicationFactor: 1,
    topicConfig,
    deadLetterTopicConfig,
  }) as unknown as TopicConfig;

describe("the dead-letter topic's max.message.bytes", () => {
  it("is the source's limit plus 64 KiB of headroom, the broker's default when the source sets none", () => {
    expect(deadLetterMaxBytes(topic({}))).toBe(1_048_588 + 65_536);
    expect(deadLetterMaxBytes(topic({ 'max.message.bytes': '5242880' }))).toBe(5_242_880 + 65_536);
  });

  it('is what deadLetterTopicConfig says, when it says', () => {
    const [, dlq] = wantedTopics([topic({ 'max.message.bytes': '5242880' }, { 'max.message.bytes': '9000000' })]);
    expect(dlq?.configs['max.message.bytes']).toBe('9000000');
    const [, sized] = wantedTopics([topic({ 'max.message.bytes': '5242880' })]);
    expect(sized?.configs['max.message.bytes']).toBe(String(5_242_880 + 65_536));
  });
});
