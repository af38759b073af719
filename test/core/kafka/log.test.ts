// kafkajs log entries become one compact line each, through a pluggable sink, honouring the level.
import { describe, expect, it } from 'vitest';
import { createKafka, formatKafkaLogEntry, type KafkaLogEntry } from '../../../core/kafka/index.js';

describe('kafka log mapping', () => {
  it('formats an entry as one line: level, namespace, message, fields (quoted when needed)', () => {
    const line = formatKafkaLogEntry({
      level: 'warn',
      namespace: 'BrokerPool',
      message: 'Failed to connect to seed broker',
      fields: { retryCount: 1, retryTime: 612, error: 'connect ECONNREFUSED 127.0.0.1:1', skipped: undefined },
    });
    expect(line).toBe(
      'kafka WARN  BrokerPool: Failed to connect to seed broker retryCount=1 retryTime=612 error="connect ECONNREFUSED 127.0.0.1:1"',
    );
    expect(line).not.toContain('\n');
  });

  it('routes kafkajs and shoplake entries to the sink, drops timestamp/logger/stack, filters by level', () => {
    const entries: KafkaLogEntry[] = [];
    const kafka = createKafka({
      brokers: '127.0.0.1:9092',
      clientId: 'log-test',
      auth: 'none',
      logLevel: 'warn',
      logSink: (e) => entries.push(e),
    });
    const log = kafka.logger().namespace('shoplake');
    log.info('not shown at warn');
    log.warn('retrying', { attempt: 2, stack: 'Error: ...' });
    log.error('gave up', { brokers: '127.0.0.1:9092' });
    expect(entries).toEqual([
      { level: 'warn', namespace: 'shoplake', message: 'retrying', fields: { attempt: 2 } },
      { level: 'error', namespace: 'shoplake', message: 'gave up', fields: { brokers: '127.0.0.1:9092' } },
    ]);
  });

  it("reports kafkajs' routine rebalance heartbeat error as info, so it stays out of warn-level logs", () => {
    const at = (logLevel: 'warn' | 'info'): KafkaLogEntry[] => {
      const entries: KafkaLogEntry[] = [];
      const kafka = createKafka({
        brokers: 'h:1',
        clientId: 'c',
        auth: 'none',
        logLevel,
        logSink: (e) => entries.push(e),
      });
      const connection = kafka.logger().namespace('Connection');
      connection.error('Response Heartbeat(key: 12, version: 3)', {
        error: 'The group is rebalancing, so a rejoin is needed',
      });
      connection.error('Response Fetch(key: 1, version: 11)', { error: 'The coordinator is not aware of this member' });
      return entries;
    };
    expect(at('warn').map((e) => [e.level, e.fields.error])).toEqual([
      ['error', 'The coordinator is not aware of this member'],
    ]);
    expect(at('info').map((e) => e.level)).toEqual(['info', 'error']);
  });

  it('reports a failed connection attempt once at warn (the retry line) and its Connection echo at info', () => {
    const entries: KafkaLogEntry[] = [];
    const kafka = createKafka({
      brokers: 'h:1',
      clientId: 'c',
      auth: 'none',
      logLevel: 'info',
      logSink: (e) => entries.push(e),
    });
    const connection = kafka.logger().namespace('Connection');
    const pool = kafka.logger().namespace('BrokerPool');
    connection.error('Connection error: connect ECONNREFUSED 127.0.0.1:1', { stack: 'Error: at ...' });
    connection.error('Connection timeout', { broker: 'h:1' });
    pool.error('Failed to connect to seed broker, trying another broker from the list: Connection error: x', {
      retryCount: 0,
      retryTime: 300,
    });
    pool.error('Failed to connect to broker, reconnecting', { retryCount: 1, retryTime: 600 });
    // Anything else kafkajs calls an error stays one.
    connection.error('Response Produce(key: 0, version: 7)', { error: 'Not authorized to access topics' });
    pool.error('Some other failure', {});
    expect(entries.map((e) => `${e.level} ${e.namespace}`)).toEqual([
      'info Connection',
      'info Connection',
      'warn BrokerPool',
      'warn BrokerPool',
      'error Connection',
      'error BrokerPool',
    ]);
    expect(entries[0]!.fields).toEqual({}); // no stack trace
  });

  it('truncates huge fields so that one entry stays one readable line', () => {
    const line = formatKafkaLogEntry({
      level: 'info',
      namespace: 'x',
      message: 'm',
      fields: { big: 'a'.repeat(5000) },
    });
    expect(line.length).toBeLessThan(400);
    expect(line.endsWith('…')).toBe(true);
  });
});
