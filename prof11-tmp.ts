import { createWriteStream } from 'node:fs';
import { generateEvents } from './core/generator/generate-events.js';
import { writeNdjson } from './core/generator/write-ndjson.js';
const out = createWriteStream('/tmp/prof-out.ndjson');
await writeNdjson(generateEvents({ events: 600_000 }), out);
await new Promise<void>((r) => out.end(() => r()));
