// resetWarehouse: deletes a warehouse (namespaces of tables + the salt file) and refuses anything else.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SALT_FILE, checkWarehouseDir, resetWarehouse } from '../../../core/local/reset-warehouse.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'local-reset-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function warehouse(name: string): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(path.join(dir, 'bronze', 'orders', 'metadata'), { recursive: true });
  await fs.mkdir(path.join(dir, 'bronze', 'orders', 'data', 'ingest_time_day=2025-03-03'), { recursive: true });
  await fs.writeFile(path.join(dir, 'bronze', 'orders', 'metadata', 'v1.metadata.json'), '{}');
  await fs.mkdir(path.join(dir, 'silver', 'empty_table'), { recursive: true });
  await fs.writeFile(path.join(dir, LOCAL_SALT_FILE), 'salt-salt-salt-salt\n');
  return dir;
}

describe('resetWarehouse', () => {
  it('deletes a warehouse', async () => {
    const dir = await warehouse('wh');
    await resetWarehouse(dir);
    await expect(fs.stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it('does nothing for a missing directory', async () => {
    await expect(resetWarehouse(path.join(root, 'missing'))).resolves.toBeUndefined();
  });

  it('refuses, naming what does not belong, and deletes nothing', async () => {
    const dir = await warehouse('mixed');
    await fs.writeFile(path.join(dir, 'README.md'), 'x');
    await fs.writeFile(path.join(dir, 'bronze', 'notes.txt'), 'x');
    await fs.mkdir(path.join(dir, 'silver', 'src', 'lib'), { recursive: true });
    await expect(resetWarehouse(dir)).rejects.toThrow(
      /refusing to delete .*mixed: it does not look like a shoplake warehouse \(found README\.md, bronze\/notes\.txt, silver\/src\/\)/,
    );
    expect((await fs.readdir(dir)).sort()).toEqual([LOCAL_SALT_FILE, 'README.md', 'bronze', 'silver'].sort());
  });

  it('refuses a file', async () => {
    const file = path.join(root, 'file');
    await fs.writeFile(file, 'x');
    await expect(resetWarehouse(file)).rejects.toThrow(/is not a directory/);
  });
});

describe('checkWarehouseDir', () => {
  it('accepts a warehouse and a missing directory, refuses anything else', async () => {
    await expect(checkWarehouseDir(await warehouse('ok'))).resolves.toBeUndefined();
    await expect(checkWarehouseDir(path.join(root, 'nothing-here'))).resolves.toBeUndefined();
    const home = path.join(root, 'home');
    await fs.mkdir(path.join(home, '.config'), { recursive: true });
    await fs.writeFile(path.join(home, '.config', 'settings'), 'x');
    await fs.writeFile(path.join(home, '.bashrc'), 'x');
    await expect(checkWarehouseDir(home)).rejects.toThrow(
      /refusing to use .*home as a warehouse: it holds more than Iceberg tables \(found (\.bashrc, \.config\/settings|\.config\/settings, \.bashrc)\)/,
    );
  });
});
