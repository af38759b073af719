// Maps kafkajs log entries (and shoplake's own Kafka log lines) to one compact line each:
//   kafka WARN  BrokerPool: Failed to connect to seed broker ... retryCount=1 retryTime=612
// The sink is pluggable so that an entrypoint can send the same entries to its JSON logger instead of stderr.
import { logLevel as KafkaJsLevel, type logCreator, type LogEntry } from 'kafkajs';

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaLogEntry {
  level: Exclude<KafkaLogLevel, 'nothing'>;
  /** kafkajs' component (Consumer, BrokerPool, Connection, ...) or 'shoplake' for this folder's own lines. */
  namespace: string;
  message: string;
  /** The entry's extra fields (broker, groupId, retryCount, error, ...), without timestamp, logger and stack. */
  fields: Record<string, unknown>;
}

export type KafkaLogSink = (entry: KafkaLogEntry) => void;

const TO_KAFKAJS: Record<KafkaLogLevel, number> = {
  nothing: KafkaJsLevel.NOTHING,
  error: KafkaJsLevel.ERROR,
  warn: KafkaJsLevel.WARN,
  info: KafkaJsLevel.INFO,
  debug: KafkaJsLevel.DEBUG,
};

export function toKafkaJsLogLevel(level: KafkaLogLevel): number {
  const n = TO_KAFKAJS[level];
  if (n === undefined)
    throw new Error(`kafka logLevel: '${String(level)}' is not one of ${Object.keys(TO_KAFKAJS).join(', ')}`);
  return n;
}

function fromKafkaJsLevel(level: number): KafkaLogEntry['level'] {
  if (level <= KafkaJsLevel.ERROR) return 'error';
  if (level === KafkaJsLevel.WARN) return 'warn';
  if (level === KafkaJsLevel.INFO) return 'info';
  return 'debug';
}

const DROPPED_FIELDS = new Set(['timestamp', 'logger', 'message', 'stack']);
const MAX_FIELD_CHARS = 300;

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const quoted = /[\s"=]/.test(text) ? JSON.stringify(text) : text;
  return quoted.length > MAX_FIELD_CHARS ? `${quoted.slice(0, MAX_FIELD_CHARS)}…` : quoted;
}

/** One line, no timestamp (the log collector adds it): `kafka LEVEL namespace: message k=v ...`. */
export function formatKafkaLogEntry(entry: KafkaLogEntry): string {
  const fields = Object.entries(entry.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(' ');
  return `kafka ${entry.level.toUpperCase().padEnd(5)} ${entry.namespace}: ${entry.message}${fields ? ` ${fields}` : ''}`;
}

/** The default sink: one compact line per entry on stderr. */
export const stderrKafkaLogSink: KafkaLogSink = (entry) => {
  process.stderr.write(`${formatKafkaLogEntry(entry)}\n`);
};

/** kafkajs logs every rebalance as a Connection ERROR on the heartbeat response: routine, so it becomes info. */
const REBALANCE_IN_PROGRESS = 'The group is rebalancing, so a rejoin is needed';
/**
 * kafkajs logs each failed connection attempt twice at ERROR: the Connection's own line, then BrokerPool's retry
 * line, which repeats the cause and adds retryCount and retryTime. The first becomes info and the second warn (a
 * retry is not yet a failure), so at level 'warn' one line per attempt remains, and the ERROR is the final one
 * (connectWithRetry's, or the entrypoint's) once the budget is spent.
 */
const CONNECT_FAILED = /^(Connection error: |Connection timeout$)/;
const RETRYING_CONNECT = /^Failed to connect to (seed )?broker/;

/** A kafkajs logCreator that hands every entry at or above the client's level to `sink` as a KafkaLogEntry. */
export function kafkaLogCreator(sink: KafkaLogSink = stderrKafkaLogSink): logCreator {
  return (configured: number) =>
    ({ namespace, level, log }: LogEntry) => {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(log)) if (!DROPPED_FIELDS.has(k)) fields[k] = v;
      let mapped = level;
      if (namespace === 'Connection' && fields.error === REBALANCE_IN_PROGRESS) mapped = KafkaJsLevel.INFO;
      if (level === KafkaJsLevel.ERROR) {
        if (namespace === 'Connection' && CONNECT_FAILED.test(log.message)) mapped = KafkaJsLevel.INFO;
        if (namespace === 'BrokerPool' && RETRYING_CONNECT.test(log.message)) mapped = KafkaJsLevel.WARN;
      }
      if (mapped > configured) return;
      sink({ level: fromKafkaJsLevel(mapped), namespace: namespace || 'kafkajs', message: log.message, fields });
    };
}
