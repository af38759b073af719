// The ECS consumer's entrypoint (container command `node dist/ingest.mjs`, lib/constructs/stream-consumer.ts): thin
// over core/stream. Settings from the environment (core/stream/settings.ts); SIGTERM (an ECS stop) and SIGINT commit
// the in-flight batch and leave the group; the exit code is 0 after a clean stop, 1 after a failure (Kafka
// unreachable or refusing auth once the retry budget is spent, storage or catalog errors), 2 for bad settings.
import { IngestConsumer, streamSettingsFromEnv } from '../core/stream/index.js';

function exit(code: number): void {
  // Let stdout (JSON logs, EMF) drain first; kafkajs may hold sockets a moment longer than needed.
  process.stdout.write('', () => process.exit(code));
}

function main(): void {
  let consumer: IngestConsumer;
  try {
    consumer = IngestConsumer.start(streamSettingsFromEnv(process.env));
  } catch (e) {
    process.stderr.write(`${JSON.stringify({ level: 'ERROR', message: `bad settings: ${(e as Error).message}` })}\n`);
    exit(2);
    return;
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void consumer.stop(signal));
  consumer.done.then(exit, () => exit(1));
}

main();
