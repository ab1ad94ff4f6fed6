import { createProducer } from 'booking-event-contracts';
import { paymentsContract } from './generated/payments/index.js';

// KAFKA_BROKERS and SCHEMA_REGISTRY_URL come from the environment
const producer = createProducer({ contract: paymentsContract, clientId: 'payments-service' });
await producer.connect();

const sent = await producer.publish('payment.captured', {
  paymentId: 'PAY-1001',
  amount: { amountMinor: 12999, currency: 'USD' }, // eventId, timestamp, source: filled in
  cardLast4: '4242',
});
console.log(`published payment.captured to partition ${sent.partition}, schema ID ${sent.schemaId}`);
await producer.disconnect();
