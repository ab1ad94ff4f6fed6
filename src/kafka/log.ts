/**
 * kafkajs's log entries through the kit's logger: one readable line each, and the states a
 * healthy cluster passes through (a coordinator loading after a start, a rebalance, metadata of a
 * topic still being created, a broker retried while it comes up) at debug, since kafkajs retries
 * them and the kit reports what it gives up on as a typed error.
 */
import { logLevel, type logCreator } from 'kafkajs';
import { createLogger, currentLogLevel, type LogLevel } from '../log';

const TRANSIENT = [
  /coordinator is not available/i,
  /coordinator is loading/i,
  /not coordinator/i,
  // NOT_COORDINATOR as kafkajs words it: a new cluster's first transactions find no coordinator yet
  /not the correct coordinator/i,
  /does not host this topic-partition/i,
  /no leader for this topic-partition/i,
  /leader not available/i,
  /rebalanc/i,
  /not aware of this member/i,
  /connection error/i,
  /connection timeout/i,
  /ECONNREFUSED|ECONNRESET|EPIPE/,
  /failed to connect to seed broker/i,
  /restarting the consumer/i,
  // CONCURRENT_TRANSACTIONS: a transaction begun while the previous one's markers are written; retried
  /another concurrent operation on the same transaction/i,
];

/** Fields worth a reader's eye; kafkajs also sends correlation IDs, sizes and stacks. */
const KEPT_FIELDS = ['broker', 'clientId', 'groupId', 'topic', 'error', 'retryCount', 'retryTime'] as const;

/** The kit's level for a kafkajs entry: transient states go down to debug, INFO is debug too. */
export function levelOfKafkaEntry(level: number, message: string, error: unknown): LogLevel {
  if (level >= logLevel.INFO) return 'debug';
  const text = `${message} ${typeof error === 'string' ? error : ''}`;
  if (TRANSIENT.some((pattern) => pattern.test(text))) return 'debug';
  return level === logLevel.ERROR ? 'error' : 'warn';
}

/** What kafkajs should send at all, from the kit's level (its DEBUG is protocol-level noise). */
export function kafkaLogLevel(): logLevel {
  switch (currentLogLevel()) {
    case 'silent':
      return logLevel.NOTHING;
    case 'debug':
    case 'info':
      return logLevel.INFO;
    default:
      // transient ERROR entries are demoted, so kafkajs must still send WARN and ERROR
      return logLevel.WARN;
  }
}

export const kafkaLogCreator: logCreator = () => {
  const logger = createLogger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, ...rest } = log as { message: string } & Record<string, unknown>;
    const kitLevel = levelOfKafkaEntry(level, message, rest.error);
    if (!logger.enabled(kitLevel)) return;
    const fields: Record<string, unknown> = {};
    for (const key of KEPT_FIELDS) if (rest[key] !== undefined) fields[key] = rest[key];
    logger[kitLevel](namespace ? `[${namespace}] ${message}` : message, fields);
  };
};
