// The producer of a local run: MSK events generated in a worker thread (as a real producer is another process),
// so that generating and base64-encoding overlap with the pipeline on the main thread; or inline. Start it early
// (startProducer) so the thread loads while the warehouse is read, then produce(options) once they are known.
// Flow control: the producer runs at most `ahead` events (each up to 6 MB) in front of the consumer.
// The thread starts from producer-bootstrap.mjs, which registers tsx in it and loads producer-worker.ts.
import { Worker } from 'node:worker_threads';
import type { MSKEvent } from 'aws-lambda';
import type { GenerationStats } from '../generator/generate-events.js';
import { mskEvents } from './msk-events.js';
import type { MskEventsOptions } from './msk-events.js';

export type ProducerMessage =
  { type: 'event'; event: MSKEvent } | { type: 'done'; stats: GenerationStats } | { type: 'error'; message: string };

export interface Producer {
  /** The MSK events for `options`, then the generator's stats. Call once. */
  produce(options: MskEventsOptions): AsyncGenerator<MSKEvent, GenerationStats>;
  /** Stops the thread (also done when produce() finishes or its consumer stops early). */
  close(): Promise<void>;
}

/** A producer in a worker thread (`thread`, the default) or inline; `ahead` MSK events may wait (default 2). */
export function startProducer({ thread = true, ahead = 2 }: { thread?: boolean; ahead?: number } = {}): Producer {
  if (!thread) return { produce: inline, close: () => Promise.resolve() };
  const worker = new Worker(new URL('./producer-bootstrap.mjs', import.meta.url));
  const queue: ProducerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let closed = false;
  worker.on('message', (m: ProducerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !closed) failure ??= new Error(`the producer thread exited with code ${code}`);
    wake?.();
  });
  const close = async (): Promise<void> => {
    closed = true;
    await worker.terminate();
  };
  async function* produce(options: MskEventsOptions): AsyncGenerator<MSKEvent, GenerationStats> {
    worker.postMessage({ options, ahead });
    try {
      for (;;) {
        while (queue.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
        const m = queue.shift();
        if (!m) throw failure!;
        if (m.type === 'error') throw new Error(`producer thread: ${m.message}`);
        if (m.type === 'done') return m.stats;
        worker.postMessage('more');
        yield m.event;
      }
    } finally {
      await close();
    }
  }
  return { produce, close };
}

async function* inline(options: MskEventsOptions): AsyncGenerator<MSKEvent, GenerationStats> {
  return yield* mskEvents(options);
}
