/**
 * Measuring helpers for the runtime benchmarks: warm-up, then many short interleaved rounds of
 * every contender, operations per CPU-second per round, medians, and the ratio against a baseline
 * measured in the same run (the median of the per-round ratios, so drift cancels out).
 */
import { performance } from 'node:perf_hooks';

/** One operation; a promise is awaited before the next one starts. */
export type Op = () => unknown;

export interface Contender {
  name: string;
  op: Op;
  /** True when `op` returns a promise (awaited one by one, as a caller would). */
  async?: boolean;
}

export interface RoundsOptions {
  /** Time each contender runs before measuring (JIT, caches); also sizes its rounds. */
  warmupMs: number;
  /** Roughly how long each contender runs per round. */
  roundMs: number;
  rounds: number;
}

export interface Measured {
  name: string;
  /** Operations per CPU-second of each round. */
  rounds: number[];
  median: number;
  /** Median operations per wall-clock second, for reference. */
  wallMedian: number;
}

let sink = 0;
/** Keeps results alive so the JIT cannot drop the work. */
export function consume(value: unknown): void {
  if (value instanceof Uint8Array) sink += value.length;
  else if (value !== null && typeof value === 'object') sink += 1;
}
export function sinkValue(): number {
  return sink;
}

/**
 * Runs `n` operations; returns the process CPU time they took (user + system, ms) and the wall
 * time. CPU time is what the ratios use: on a machine shared with other work (two cores, brokers,
 * other people's test runs) it does not count the time this process waited for a core.
 */
async function runOps(contender: Contender, n: number): Promise<{ cpuMs: number; wallMs: number }> {
  const { op } = contender;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  if (contender.async) {
    for (let i = 0; i < n; i++) consume(await op());
  } else {
    for (let i = 0; i < n; i++) consume(op());
  }
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
}

/**
 * Runs every contender `rounds` times, interleaved (A B C, B C A, …), after a warm-up of each that
 * also measures its speed, so each round does a fixed number of operations lasting about `roundMs`.
 */
export async function measureRounds(contenders: Contender[], options: RoundsOptions): Promise<Measured[]> {
  const opsPerRound: number[] = [];
  for (const c of contenders) {
    let ops = 0;
    let ms = 0;
    let chunk = 100;
    while (ms < options.warmupMs) {
      ms += (await runOps(c, chunk)).cpuMs;
      ops += chunk;
      chunk = Math.min(chunk * 2, 100_000);
    }
    opsPerRound.push(Math.max(50, Math.round((ops / ms) * options.roundMs)));
  }
  const perRound = contenders.map(() => [] as number[]);
  const wallPerRound = contenders.map(() => [] as number[]);
  for (let r = 0; r < options.rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length;
      const n = opsPerRound[i]!;
      const { cpuMs, wallMs } = await runOps(contenders[i]!, n);
      perRound[i]!.push((n / Math.max(cpuMs, 0.001)) * 1000);
      wallPerRound[i]!.push((n / wallMs) * 1000);
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    rounds: perRound[i]!,
    median: median(perRound[i]!),
    wallMedian: median(wallPerRound[i]!),
  }));
}

/** Median over rounds of `subject / baseline` measured in the same round. */
export function pairedRatio(subject: Measured, baseline: Measured): number {
  return median(subject.rounds.map((v, i) => v / baseline.rounds[i]!));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M/s`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)} k/s`;
  return `${opsPerSecond.toFixed(0)} /s`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

export function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The value at quantile `q` (0–1) of `values`, linearly interpolated. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Median with the spread of a set of rounds: min–max and the interquartile range. */
export interface Spread {
  rounds: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    rounds: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
  };
}

/** "12.3 k/s (11.0–13.1, 5 rounds)": the median, then min–max over the rounds. */
export function formatSpread(values: readonly number[], format: (v: number) => string = formatRate): string {
  const s = spreadOf(values);
  return `${format(s.median)} (${format(s.min)}–${format(s.max)}, ${s.rounds} rounds)`;
}

/** Ratios as "0.95× (0.90–1.01×, 5 rounds)". */
export function formatRatioSpread(ratios: readonly number[]): string {
  const s = spreadOf(ratios);
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)}×, ${s.rounds} rounds)`;
}

/** Ratios as "0.95× (IQR 0.93–0.97×, 80 rounds)": for many short rounds, where min–max is mostly noise. */
export function formatRatioIqr(ratios: readonly number[]): string {
  const s = spreadOf(ratios);
  return `${s.median.toFixed(2)}× (IQR ${s.q1.toFixed(2)}–${s.q3.toFixed(2)}×, ${s.rounds} rounds)`;
}

/** Per-round ratios of `subject / baseline` measured in the same round. */
export function pairedRatios(subject: Measured, baseline: Measured): number[] {
  return subject.rounds.map((v, i) => v / baseline.rounds[i]!);
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}
