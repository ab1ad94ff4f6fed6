/**
 * The README's main job, on the real stack: the reference services handle a scripted scenario and
 * the books balance (created = confirmed + failed, histories, availability, refunds).
 */
import { runBookingPlatform } from '../../examples/booking-platform/platform';
import { registerContract, createSchemaRegistryClient, bookingsContract } from '../../src';
import { stackEnv } from '../support/stack-env';

describe('the booking platform end to end', () => {
  it('reconciles a scenario with declines, sold-out items and cancellations', async () => {
    const env = stackEnv();
    await registerContract(bookingsContract, createSchemaRegistryClient({ url: env.registryUrl }));
    const report = await runBookingPlatform({ bookings: 90, timeoutMs: 90_000 });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.reconciled).toBe(true);
    // the scenario exercises every outcome
    expect(report.scenario.expected.notAvailable).toBeGreaterThan(0);
    expect(report.scenario.expected.paymentDeclined).toBeGreaterThan(0);
    expect(report.scenario.expected.cancelled).toBeGreaterThan(0);
  }, 150_000);
});
