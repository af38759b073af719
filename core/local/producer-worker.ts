// The producer thread's body (see producer-thread.ts): waits for its options, runs mskEvents() and posts each MSK
// event to the parent, at most `ahead` events beyond what the parent has taken, then the generator's stats (or
// the error). Messages from the parent: { options, ahead } once, then 'more' per event taken.
import { parentPort } from 'node:worker_threads';
import { mskEvents } from './msk-events.js';
import type { MskEventsOptions } from './msk-events.js';
import type { ProducerMessage } from './producer-thread.js';

const port = parentPort!;
let start: ((s: { options: MskEventsOptions; ahead: number }) => void) | undefined;
const started = new Promise<{ options: MskEventsOptions; ahead: number }>((resolve) => (start = resolve));
let credit = 0;
let wake: (() => void) | undefined;
port.on('message', (m: 'more' | { options: MskEventsOptions; ahead: number }) => {
  if (m === 'more') credit++;
  else {
    credit += m.ahead;
    start?.(m);
  }
  wake?.();
});
const post = (m: ProducerMessage): void => port.postMessage(m);

try {
  const events = mskEvents((await started).options);
  for (;;) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    const next = events.next();
    if (next.done) {
      post({ type: 'done', stats: next.value });
      break;
    }
    credit--;
    post({ type: 'event', event: next.value });
  }
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
port.close();
