export {
  KAFKA_ENV,
  DEFAULT_BROKERS,
  brokersFrom,
  resolveKafka,
  toKafkaError,
  type KafkaConnectionOptions,
} from './client';
export { createTopicsReady, ensureTopics } from './admin';
export { resolveTransport, TRANSPORT_ENV, TRANSPORTS, type TransportName } from './transport';
