// resetWarehouse: empties a local warehouse before a fresh run (`shoplake local run --reset`). It deletes only
// what a local warehouse holds: namespace folders whose entries are Iceberg tables (a folder of `metadata/` and
// `data/`) and the local PII salt file. Anything else (a typo'd --warehouse pointing at a home directory or a
// source tree) is refused with the entries that do not belong, and nothing is deleted. checkWarehouseDir applies
// the same test before a run writes into an existing directory.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The development PII salt of a local warehouse (see run-local.ts), created on first use. */
export const LOCAL_SALT_FILE = '.shoplake-pii-salt';

const TABLE_ENTRIES = new Set(['metadata', 'data']);

export async function resetWarehouse(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!stat) return;
  if (!stat.isDirectory()) throw new Error(`--reset: ${dir} is not a directory`);
  const foreign = await foreignEntries(dir);
  if (foreign.length > 0) {
    throw new Error(
      `--reset: refusing to delete ${dir}: it does not look like a shoplake warehouse (${found(foreign)})`,
    );
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** Throws when `dir` exists and holds anything but a warehouse's entries (a missing directory is fine). */
export async function checkWarehouseDir(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat) return;
  if (!stat.isDirectory()) throw new Error(`warehouse ${dir} is not a directory`);
  const foreign = await foreignEntries(dir);
  if (foreign.length > 0) {
    throw new Error(`refusing to use ${dir} as a warehouse: it holds more than Iceberg tables (${found(foreign)})`);
  }
}

function found(entries: string[]): string {
  return `found ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? `, … (${entries.length} in all)` : ''}`;
}

/** Entries of `dir` that a local warehouse does not hold (relative paths). */
async function foreignEntries(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name === LOCAL_SALT_FILE) continue;
    if (!e.isDirectory()) {
      out.push(e.name);
      continue;
    }
    for (const t of await fs.readdir(path.join(dir, e.name), { withFileTypes: true })) {
      const rel = `${e.name}/${t.name}`;
      if (!t.isDirectory()) {
        out.push(rel);
        continue;
      }
      const inside = await fs.readdir(path.join(dir, e.name, t.name));
      if (!inside.every((n) => TABLE_ENTRIES.has(n))) out.push(`${rel}/`);
    }
  }
  return out;
}
