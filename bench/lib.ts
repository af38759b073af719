// Small helpers shared by the benchmarks: medians, percentiles and peak-RSS sampling.
import { performance } from 'node:perf_hooks';

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

/** Runs fn `runs` times (after `warmup` untimed runs) and returns each run's duration in ms. */
export async function timeRuns(runs: number, fn: () => unknown | Promise<unknown>, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Samples process RSS every `everyMs` until stopped; returns the peak in bytes. */
export function rssSampler(everyMs = 10): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, everyMs);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
