import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

/** Where npm resolves `dep` from the package at `from` (its own node_modules, then each parent's, then the root). */
function resolve(from: string, dep: string): LockPackage | undefined {
  let dir = from;
  for (;;) {
    const hit = lock.packages[`${dir ? `${dir}/` : ''}node_modules/${dep}`];
    if (hit) return hit;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  // `npm ci` refuses a lock that lacks an entry for any optional dependency, even one for another platform. The
  // npm mirror here lacks some platform builds (e.g. @duckdb/node-bindings-darwin-*), so `npm install` drops their
  // entries silently and CI's `npm ci` then fails before running anything. Keep them (README, "Development").
  it('has an entry for every optional dependency of every package, so `npm ci` accepts it', () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!resolve(path, dep)) missing.push(`${path || '(root)'} -> ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('records a platform for every optional platform binary it lists', () => {
    const bad = Object.entries(lock.packages)
      .filter(([p, pkg]) => p.startsWith('node_modules/@duckdb/node-bindings-') && !(pkg.os && pkg.cpu && pkg.optional))
      .map(([p]) => p);
    expect(bad).toEqual([]);
  });
});
