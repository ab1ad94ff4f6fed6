/** The summary `npm start` prints: events per type, final status per booking, latency, checks. */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { PlatformReport } from './platform';

const style = { head: ['cyan'] };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function renderReport(report: PlatformReport): string {
  const { analytics, scenario } = report;
  const events = new Table({ head: ['event type', 'events'], style });
  for (const type of ['booking.created', 'booking.confirmed', 'booking.failed', 'booking.cancelled']) {
    events.push([type, String(analytics.eventCounts[type] ?? 0)]);
  }
  const statuses = [...new Set([...analytics.bookings.values()].map((b) => b.status))].sort();
  const byStatus = new Table({ head: ['final status', 'flight', 'hotel', 'car', 'all'], style });
  for (const status of statuses) {
    const of = (type?: string) =>
      [...analytics.bookings.values()].filter((b) => b.status === status && (!type || b.type === type)).length;
    byStatus.push([status, String(of('flight')), String(of('hotel')), String(of('car')), String(of())]);
  }
  const latencies = analytics.latencies().sort((a, b) => a - b);
  const latency = new Table({ head: ['decision latency', 'p50', 'p95', 'p99', 'max'], style });
  latency.push(['created → confirmed/failed (ms)', ...[50, 95, 99, 100].map((p) => String(percentile(latencies, p)))]);
  const checks = new Table({ head: ['reconciliation', 'result', 'detail'], style });
  for (const check of report.checks)
    checks.push([check.name, check.ok ? pc.green('ok') : pc.red('FAILED'), check.detail]);
  const confirmed = [...analytics.bookings.values()].filter(
    (b) => b.status === 'confirmed' || b.status === 'cancelled',
  ).length;
  return [
    `run ${scenario.runId}: ${scenario.bookings.length} bookings in ${(report.elapsedMs / 1000).toFixed(1)} s, conversion ${((100 * confirmed) / scenario.bookings.length).toFixed(1)}%`,
    events.toString(),
    byStatus.toString(),
    latency.toString(),
    checks.toString(),
  ].join('\n');
}
