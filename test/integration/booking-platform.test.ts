/**
 * The README's main job, on the real stack: the reference services handle a scripted scenario and
 * the books balance (created = confirmed + failed, histories, availability, refunds), and one
 * booking's trace goes web → billing → user as `npm start` prints it.
 */
import { runBookingPlatform } from '../../examples/booking-platform/platform';
import { recordTraces, renderBookingTrace } from '../../examples/booking-platform/trace';
import { registerContract, createSchemaRegistryClient, bookingsContract } from '../../src';
import { stackEnv } from '../support/stack-env';

describe('the booking platform end to end', () => {
  it('reconciles a scenario with declines, sold-out items and cancellations', async () => {
    const env = stackEnv();
    await registerContract(bookingsContract, createSchemaRegistryClient({ url: env.registryUrl }));
    const tracing = recordTraces();
    let report;
    try {
      report = await runBookingPlatform({ bookings: 90, timeoutMs: 90_000 });
    } finally {
      tracing.stop();
    }
    // what npm start prints: one booking's trace, web → billing → user, through the kit's spans
    const text = renderBookingTrace(tracing.spans());
    expect(text).toMatch(/^ {2}publish bookings \[\d+\] booking\.created/m);
    expect(text).toMatch(/^ {4}process bookings \[\d+\] booking\.created by billing-service → handled/m);
    expect(text).toMatch(/^ {6}publish bookings \[\d+\] booking\.confirmed/m);
    expect(text).toMatch(/^ {8}process bookings \[\d+\] booking\.confirmed by user-service → handled/m);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.reconciled).toBe(true);
    // the scenario exercises every outcome
    expect(report.scenario.expected.notAvailable).toBeGreaterThan(0);
    expect(report.scenario.expected.paymentDeclined).toBeGreaterThan(0);
    expect(report.scenario.expected.cancelled).toBeGreaterThan(0);
  }, 150_000);
});
