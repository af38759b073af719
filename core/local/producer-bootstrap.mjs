// Entry of the producer worker thread (producer-thread.ts). Plain JavaScript so that Node loads it without a
// TypeScript loader: it registers tsx in this thread (Node 20 does not carry the parent's loader hooks into
// workers), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./producer-worker.ts');
