/**
 * Reads a V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler) and sums the time spent
 * per function (self and inclusive) and per origin (the kit's src/, kafkajs, avsc, ajv, Node's
 * internals, garbage collection), for docs/benchmarks.md and `npm run bench:profile`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  name: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  /** Sampled time without (idle): what the process spent working. */
  busyMs: number;
  byOrigin: Array<{ origin: string; selfMs: number }>;
  functions: ProfileRow[];
}

export function originOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.includes('/node_modules/kafkajs/')) return 'kafkajs';
  if (url.includes('/node_modules/avsc/')) return 'avsc';
  if (url.includes('/node_modules/ajv')) return 'ajv';
  if (url.includes('/src/generated/')) return 'kit: generated validators';
  if (url.includes('/src/')) return 'kit: src/';
  if (url.includes('/bench/')) return 'bench';
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/node_modules/')) return 'other packages';
  return 'other';
}

function label(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules\/|src\/|bench\/)/, '$1');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
}

export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const origins = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    // (idle), and the inspector's own frame that V8 samples while a profile started through
    // node:inspector waits in the event loop: neither is work
    if (node.callFrame.functionName === '(idle)' || node.callFrame.url === 'node:inspector') continue;
    busy += us;
    const name = label(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const origin = originOf(node.callFrame.url, node.callFrame.functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
    // inclusive: once per distinct function on the stack (recursion counted once)
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      const l = label(n.callFrame);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + us);
    }
  }
  return {
    busyMs: busy / 1000,
    byOrigin: [...origins].map(([origin, us]) => ({ origin, selfMs: us / 1000 })).sort((a, b) => b.selfMs - a.selfMs),
    functions: [...self]
      .map(([name, us]) => ({ name, selfMs: us / 1000, totalMs: (total.get(name) ?? us) / 1000 }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

/** The inclusive time of every function whose label matches, e.g. the kit's own entry points. */
export function inclusive(profile: CpuProfile, match: RegExp): ProfileRow[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set<string>();
    for (let at: number | undefined = profile.samples[i]; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!.callFrame);
      if (!match.test(l) || seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  }
  return [...total]
    .map(([name, us]) => ({ name, selfMs: 0, totalMs: us / 1000 }))
    .sort((a, b) => b.totalMs - a.totalMs);
}

export function formatSummary(title: string, s: ProfileSummary, top = 15): string {
  const pct = (ms: number) => `${((100 * ms) / s.busyMs).toFixed(1)} %`;
  const lines = [`${title}: ${s.busyMs.toFixed(0)} ms busy (idle excluded)`];
  lines.push(`  by origin (self): ${s.byOrigin.map((o) => `${o.origin} ${pct(o.selfMs)}`).join(', ')}`);
  lines.push('  top functions by self time:');
  for (const f of s.functions.slice(0, top)) {
    lines.push(`    ${pct(f.selfMs).padStart(7)} self  ${pct(f.totalMs).padStart(7)} total  ${f.name}`);
  }
  return lines.join('\n');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) console.log(formatSummary(file, summarize(readProfile(file))));
}
