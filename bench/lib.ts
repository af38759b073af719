// Small helpers shared by the benchmarks: medians, percentiles, peak-RSS sampling and CPU profile summaries.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

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

/**
 * Self time of a .cpuprofile (V8's JSON) by function and by bundled module, as shares of the samples: an unminified
 * esbuild bundle starts each module with a `// <path>` line, which maps bundle lines to modules.
 */
export function profileSummary(file: string, n = 40): { functions: string[]; modules: string[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
  };
  const starts = new Map<string, { line: number; module: string }[]>();
  const moduleOf = (url: string, line: number): string => {
    if (!url.startsWith('file://')) return url ? `(${url.split(':')[0]})` : '(native)';
    let list = starts.get(url);
    if (!list) {
      list = [];
      readFileSync(new URL(url), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const m = /^\/\/ ((?:node_modules\/)?\S+\.(?:ts|js|mjs|cjs))$/.exec(text);
          if (m) list!.push({ line: i, module: m[1]! });
        });
      starts.set(url, list);
    }
    let found = '(bundle)';
    for (const s of list) {
      if (s.line > line) break;
      found = s.module;
    }
    return found.replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1');
  };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  for (const id of p.samples) {
    const f = byId.get(id)!.callFrame;
    const mod = moduleOf(f.url, f.lineNumber);
    const k = `${f.functionName || '(anonymous)'} [${mod}:${f.lineNumber + 1}]`;
    fns.set(k, (fns.get(k) ?? 0) + 1);
    mods.set(mod, (mods.get(mod) ?? 0) + 1);
  }
  const top = (m: Map<string, number>): string[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((v / p.samples.length) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return { functions: top(fns), modules: top(mods) };
}
