// Bundles the stream jobs into one self-contained ESM file each (dist/ingest.mjs, dist/maintenance.mjs,
// dist/gold.mjs): what the Dockerfile runs at image build time, and what the integration tests and the benchmark
// run, so that the tested code is the shipped code. Same esbuild settings as the Lambda bundles
// (lib/constructs/bundling.ts): ESM for Node 22, every dependency bundled (the image has no node_modules), a
// require() shim for CommonJS dependencies, linked source maps.
//   npx tsx stream-jobs/bundle.ts [outdir]        (default dist)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const STREAM_JOBS = ['ingest', 'maintenance', 'gold'] as const;
export type StreamJob = (typeof STREAM_JOBS)[number];

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Writes `<outdir>/<job>.mjs` (+ .map) for each job; returns the bundle paths. */
export async function bundleStreamJobs(
  outdir: string,
  jobs: readonly StreamJob[] = STREAM_JOBS,
  options: { minify?: boolean } = {},
): Promise<Record<StreamJob, string>> {
  await build({
    entryPoints: jobs.map((j) => path.join(HERE, `${j}.ts`)),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    // Minified like the Lambda bundles; unminified for CPU profiles that name functions (bench/stream.bench.ts).
    minify: options.minify ?? true,
    keepNames: true,
    legalComments: 'linked',
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return Object.fromEntries(jobs.map((j) => [j, path.join(outdir, `${j}.mjs`)])) as Record<StreamJob, string>;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = path.resolve(process.argv[2] ?? 'dist');
  bundleStreamJobs(outdir).then(
    (files) => console.log(`bundled ${Object.values(files).join(', ')}`),
    (e: unknown) => {
      console.error(`bundle failed: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
