import { createConsumer } from 'booking-event-contracts';
import { paymentsContract } from './generated/payments/index.js';

const consumer = createConsumer({
  contract: paymentsContract,
  groupId: 'ledger-writer',
  fromBeginning: true, // a new group reads the topic from its start
  handlers: {
    'payment.captured': async (event) => {
      // typed from the schema: amount.amountMinor is a number, timestamp a Date
      console.log(
        `captured ${event.paymentId}: ${event.amount.amountMinor} ${event.amount.currency} at ${event.timestamp.toISOString()}`,
      );
    },
    'payment.refunded': 'ignore', // leaving an event type out is a compile error
  },
});
await consumer.start(); // runs until SIGTERM: handled messages are committed, the rest redelivered
