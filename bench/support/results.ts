/**
 * A benchmark's findings as data; bench/run.ts prints them as one summary table.
 */
import { formatRate, formatRatioIqr, pairedRatio, pairedRatios, type Measured } from './measure';

export interface BenchFigure {
  /** Which measurement, e.g. "encode (with validation)". */
  name: string;
  /** The measured value as printed, e.g. "412.3 k/s". */
  value: string;
  /** What it is compared with, e.g. "raw avsc 455.0 k/s". */
  baseline?: string;
  /** The figure against the baseline or the target unit, e.g. "0.91×". */
  ratio?: string;
  /** The target, e.g. "≥ 0.9×". */
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  met?: boolean;
}

export interface BenchReport {
  benchmark: string;
  figures: BenchFigure[];
  /** Context lines: what exactly was measured, settings, caveats. */
  notes: string[];
}

export function printReport(report: BenchReport): void {
  for (const f of report.figures) {
    const parts = [`${report.benchmark}: ${f.name}: ${f.value}`];
    if (f.baseline) parts.push(`vs ${f.baseline}`);
    if (f.ratio) parts.push(`= ${f.ratio}`);
    if (f.target) parts.push(`(target ${f.target}: ${f.met ? 'met' : 'MISSED'})`);
    console.log(parts.join(' '));
  }
  for (const note of report.notes) console.log(`${report.benchmark}: note: ${note}`);
}

/** A rate measured in interleaved rounds against a baseline of the same run: medians and the paired ratio. */
export function pairedFigure(name: string, subject: Measured, baseline: Measured): BenchFigure {
  return {
    name,
    value: formatRate(subject.median),
    baseline: `${baseline.name} ${formatRate(baseline.median)}`,
    ratio: formatRatioIqr(pairedRatios(subject, baseline)),
  };
}

/** A paired figure with a goal on its median ratio (`≥ atLeast×`), which the summary marks met or missed. */
export function pairedGoal(name: string, subject: Measured, baseline: Measured, atLeast: number): BenchFigure {
  return {
    ...pairedFigure(name, subject, baseline),
    target: `≥ ${atLeast.toFixed(1)}×`,
    met: pairedRatio(subject, baseline) >= atLeast,
  };
}
