/**
 * Runs the booking platform's services on the kit and drives a scenario through them, then checks
 * that the books balance. Used by `npm start` (main.ts) and by the end-to-end test.
 */
import { randomBytes } from 'node:crypto';
import {
  type BookingType,
  bookingsContract,
  connectProducer,
  disconnectProducer,
  ensureTopics,
  publishBookingEvent,
} from 'booking-event-contracts';
import { Kafka, logLevel } from 'kafkajs';
import { buildScenario, type Scenario } from './scenario';
import { createAdminAnalytics, type AdminAnalytics } from './services/admin-analytics';
import { createBillingService } from './services/billing';
import { createInventoryService, type InventoryService } from './services/inventory';
import { createUserHistoryService } from './services/user-history';

export interface PlatformRunOptions {
  bookings?: number;
  /** Give up waiting for the flows after this long. */
  timeoutMs?: number;
  onProgress?: (progress: { decided: number; total: number; cancelled: number }) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PlatformReport {
  scenario: Scenario;
  analytics: AdminAnalytics;
  checks: Check[];
  reconciled: boolean;
  elapsedMs: number;
}

export async function runBookingPlatform(options: PlatformRunOptions = {}): Promise<PlatformReport> {
  const started = Date.now();
  const scenario = buildScenario({ runId: `R${randomBytes(3).toString('hex')}`, bookings: options.bookings ?? 120 });
  const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',');
  await ensureTopics(
    new Kafka({ clientId: 'booking-platform-setup', brokers, logLevel: logLevel.NOTHING }),
    bookingsContract,
  );

  const stock = new Map(scenario.catalog.map((item) => [item.itemId, item.stock]));
  const inventory = Object.fromEntries(
    (['flight', 'hotel', 'car'] as BookingType[]).map((type) => [type, createInventoryService({ type, stock })]),
  ) as Record<BookingType, InventoryService>;
  const billing = createBillingService({ declineAboveMinor: scenario.declineAboveMinor, inventory });
  const users = createUserHistoryService();
  const planned = new Map(scenario.bookings.map((b) => [b.input.bookingId, b]));
  const cancellations: Array<Promise<unknown>> = [];
  const analytics = createAdminAnalytics({
    bookingPrefix: `${scenario.runId}-`,
    // the scripted users cancel some bookings once they see them confirmed
    onConfirmed: (event) => {
      const plan = planned.get(event.bookingId);
      if (!plan?.cancelAfterConfirm) return;
      plan.cancelAfterConfirm = false;
      cancellations.push(
        publishBookingEvent('booking.cancelled', {
          bookingId: event.bookingId,
          userId: event.userId,
          type: event.type,
          itemId: event.itemId,
          source: 'user-app',
          data: { cancelledBy: 'user', reason: 'plans changed', refund: event.data.payment.amount },
        }),
      );
    },
  });
  const consumers = [
    ...Object.values(inventory).map((s) => s.consumer),
    billing.consumer,
    users.consumer,
    analytics.consumer,
  ];

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const checksNow = () => {
    const refunded = scenario.bookings.reduce((sum, b) => sum + billing.refundFor(b.input.bookingId), 0);
    return reconcile(scenario, analytics, stock, users, refunded);
  };
  const producer = await connectProducer({ clientId: 'booking-platform' });
  try {
    await Promise.all(consumers.map((c) => c.start()));
    const batchSize = 50;
    for (let i = 0; i < scenario.bookings.length; i += batchSize) {
      await producer.publishBatch(
        scenario.bookings
          .slice(i, i + batchSize)
          .map((b) => ({ eventType: 'booking.created' as const, payload: { ...b.input, source: 'booking-web' } })),
      );
    }
    await waitFor(() => {
      const records = [...analytics.bookings.values()];
      const decided = records.filter((r) => r.status !== 'pending').length;
      const cancelled = analytics.eventCounts['booking.cancelled'] ?? 0;
      options.onProgress?.({ decided, total: scenario.bookings.length, cancelled });
      return decided === scenario.bookings.length && cancelled === scenario.expected.cancelled;
    }, deadline - Date.now());
    await Promise.all(cancellations);
    // billing, users and inventory consume in groups of their own: let them catch up
    await waitFor(() => checksNow().every((c) => c.ok), deadline - Date.now());
  } finally {
    await Promise.all(consumers.map((c) => c.stop().catch(() => undefined)));
    await disconnectProducer();
  }

  const checks = checksNow();
  return { scenario, analytics, checks, reconciled: checks.every((c) => c.ok), elapsedMs: Date.now() - started };
}

function reconcile(
  scenario: Scenario,
  analytics: AdminAnalytics,
  stock: Map<string, number>,
  users: ReturnType<typeof createUserHistoryService>,
  refundedMinor: number,
): Check[] {
  const count = (type: string) => analytics.eventCounts[type] ?? 0;
  const records = [...analytics.bookings.values()];
  const withStatus = (status: string) => records.filter((r) => r.status === status);
  const failedBy = (reason: string) => withStatus(`failed:${reason}`).length;
  const confirmedEver = records.filter((r) => r.status === 'confirmed' || r.status === 'cancelled');
  const missingFromHistory = confirmedEver.filter((r) => {
    const userId = scenario.bookings.find((b) => b.input.bookingId === r.bookingId)!.input.userId;
    const entry = users.history(userId).find((h) => h.bookingId === r.bookingId);
    return !entry || entry.status !== (r.status === 'cancelled' ? 'cancelled' : 'confirmed');
  });
  const stockErrors = scenario.catalog.filter((item) => {
    const held = records.filter((r) => r.itemId === item.itemId && r.status === 'confirmed').length;
    return stock.get(item.itemId) !== item.stock - held;
  });
  const expectedRefund = withStatus('cancelled').reduce(
    (sum, r) => sum + scenario.catalog.find((c) => c.itemId === r.itemId)!.priceMinor,
    0,
  );
  return [
    {
      name: 'every booking created',
      ok: count('booking.created') === scenario.bookings.length,
      detail: `${count('booking.created')} of ${scenario.bookings.length}`,
    },
    {
      name: 'created = confirmed + failed',
      ok: count('booking.created') === count('booking.confirmed') + count('booking.failed'),
      detail: `${count('booking.created')} = ${count('booking.confirmed')} + ${count('booking.failed')}`,
    },
    {
      name: 'each booking confirmed or failed exactly once',
      ok: records.length > 0 && records.every((r) => r.decisions === 1),
      detail: `${records.filter((r) => r.decisions === 1).length} of ${records.length}${
        records.some((r) => r.decisions > 1) ? `; ${records.filter((r) => r.decisions > 1).length} decided twice` : ''
      }`,
    },
    {
      name: 'sold-out items end as not_available',
      ok: failedBy('not_available') === scenario.expected.notAvailable,
      detail: `${failedBy('not_available')}, expected ${scenario.expected.notAvailable}`,
    },
    {
      name: 'charges above the limit declined',
      ok: failedBy('payment_declined') === scenario.expected.paymentDeclined,
      detail: `${failedBy('payment_declined')}, expected ${scenario.expected.paymentDeclined}`,
    },
    {
      name: 'cancellations',
      ok: count('booking.cancelled') === scenario.expected.cancelled,
      detail: `${count('booking.cancelled')}, expected ${scenario.expected.cancelled}`,
    },
    {
      name: "every confirmed booking in its user's history",
      ok: missingFromHistory.length === 0,
      detail: `${confirmedEver.length - missingFromHistory.length} of ${confirmedEver.length}`,
    },
    {
      name: 'availability matches bookings held',
      ok: stockErrors.length === 0,
      detail: stockErrors.length
        ? `off for ${stockErrors.map((s) => s.itemId).join(', ')}`
        : `${scenario.catalog.length} items`,
    },
    {
      name: 'refunds match cancelled bookings',
      ok: refundedMinor === expectedRefund,
      detail: `${refundedMinor} = ${expectedRefund} minor units`,
    },
  ];
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return; // the checks then report what is missing
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
