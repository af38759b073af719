// The codecs ship inside the esbuild bundles (Lambda, the ECS image's dist/*.mjs: no node_modules at run time, no
// native build at deploy time). Bundle core/kafka's codecs with the settings of stream-jobs/bundle.ts, copy the
// bundle where no node_modules can be found, and round-trip every codec through kafkajs' codec table with Node 22
// (the image's and Lambda's runtime: node:zlib zstd) and this machine's Node 20 (the WebAssembly/fzstd fallback).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { node22 } from '../../node22/node22.js';

const KAFKA_INDEX = fileURLToPath(new URL('../../../core/kafka/index.ts', import.meta.url));

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kafka-codec-bundle-'));
  // Nothing up the tree of the bundle may hold node_modules, or a missing dependency could resolve from there.
  for (let d = dir; ; d = join(d, '..')) {
    expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    if (d === parse(d).root) break;
  }
  const contents = [
    `import kafkajs from 'kafkajs';`,
    `import { createKafka } from ${JSON.stringify(KAFKA_INDEX)};`,
    `import { zstdImplementation } from ${JSON.stringify(KAFKA_INDEX.replace(/index\.ts$/, 'compression.ts'))};`,
    `createKafka({ brokers: '127.0.0.1:9092', clientId: 'bundle-check', auth: 'none' }); // registers the codecs`,
    `const data = Buffer.from(JSON.stringify(Array.from({ length: 20000 }, (_, i) => ({ i, shop: 'shop-' + (i % 7) }))));`,
    `const result = { zstd: zstdImplementation() };`,
    `for (const [name, type] of Object.entries(kafkajs.CompressionTypes)) {`,
    `  if (name === 'None') continue;`,
    `  const codec = kafkajs.CompressionCodecs[type]();`,
    `  const packed = await codec.compress({ buffer: data });`,
    `  const back = await codec.decompress(packed);`,
    `  result[name] = { ratio: Math.round(data.length / packed.length), same: Buffer.compare(back, data) === 0 };`,
    `}`,
    `console.log(JSON.stringify(result));`,
  ].join('\n');
  bundle = join(dir, 'check.mjs');
  // As stream-jobs/bundle.ts (and lib/constructs/bundling.ts) bundle the jobs.
  await build({
    stdin: { contents, loader: 'ts', resolveDir: fileURLToPath(new URL('.', import.meta.url)), sourcefile: 'check.ts' },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    logLevel: 'warning',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const runBundle = (node: string): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) =>
    execFile(node, [bundle], { cwd: dir, env: { PATH: process.env.PATH } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, unknown>),
    ),
  );

const everyCodec = { GZIP: true, Snappy: true, LZ4: true, ZSTD: true };

it('Node 22 runs the bundled codecs (zstd from node:zlib) without node_modules', async () => {
  const result = await runBundle(node22());
  expect(result.zstd).toBe('node:zlib');
  for (const [name, ok] of Object.entries(everyCodec)) {
    expect(result[name]).toMatchObject({ same: ok });
    expect((result[name] as { ratio: number }).ratio).toBeGreaterThan(2);
  }
}, 30_000);

it("this machine's Node 20 runs the bundled codecs (zstd from the fallbacks) without node_modules", async () => {
  const result = await runBundle(process.execPath);
  expect(result.zstd).toBe(process.versions.node.startsWith('20.') ? 'fzstd' : 'node:zlib');
  for (const [name, ok] of Object.entries(everyCodec)) expect(result[name]).toMatchObject({ same: ok });
}, 30_000);
