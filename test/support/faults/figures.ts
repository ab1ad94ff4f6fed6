/**
 * What each fault scenario reports: one line of JSON on stdout (`FAULTS {...}`) and the same in
 * `test-artifacts/faults/<scenario>.json`, from which docs/reliability.md's table is built
 * (`npx tsx test/support/faults/table.ts`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ARTIFACTS_DIR = join(__dirname, '..', '..', '..', 'test-artifacts', 'faults');

export interface ScenarioFigures {
  /** File-name-safe ID, e.g. `broker-restart`. */
  scenario: string;
  /** One line for the table: what was done to the system. */
  fault: string;
  /** Events (or byte strings) the scenario put in. */
  sent: number;
  /** Distinct events handled by a consumer. */
  handled: number;
  /** Extra deliveries of events already handled (at-least-once redeliveries). */
  duplicates: number;
  /** Records in the dead-letter topic. */
  deadLettered: number;
  /** Sent and neither handled nor dead-lettered (or, for refused input, anything that got through). */
  lost: number;
  /** Scenario-specific counts (retries, restarts, refusals by kind…). */
  details: Record<string, number | string | boolean>;
  durationMs: number;
}

export function reportFigures(figures: ScenarioFigures): void {
  const line = JSON.stringify(figures);
  process.stdout.write(`FAULTS ${line}\n`);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(join(ARTIFACTS_DIR, `${figures.scenario}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

/** Counts handled events by eventId: distinct ones and extra deliveries. */
export class Tally {
  private readonly seen = new Map<string, number>();

  add(eventId: string): void {
    this.seen.set(eventId, (this.seen.get(eventId) ?? 0) + 1);
  }

  has(eventId: string): boolean {
    return this.seen.has(eventId);
  }

  get distinct(): number {
    return this.seen.size;
  }

  get deliveries(): number {
    let total = 0;
    for (const n of this.seen.values()) total += n;
    return total;
  }

  get duplicates(): number {
    return this.deliveries - this.distinct;
  }

  /** Adds every delivery another tally counted. */
  merge(other: Tally): this {
    for (const [id, n] of other.seen) this.seen.set(id, (this.seen.get(id) ?? 0) + n);
    return this;
  }

  /** Sent IDs this tally never saw. */
  missing(sent: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of sent) if (!this.seen.has(id)) out.push(id);
    return out;
  }
}
