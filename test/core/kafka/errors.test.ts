import { describe, expect, it } from 'vitest';
import { classifyKafkaError, rootMessage } from '../../../core/kafka/errors.js';

/** An error shaped like kafkajs' (recognised by name, `cause` chains). */
function kafkaError(name: string, message: string, cause?: unknown): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = name;
  return e;
}

describe('classifyKafkaError', () => {
  it('calls a lost cluster unreachable, whichever way kafkajs reports it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });
    const retries = kafkaError('KafkaJSNumberOfRetriesExceeded', 'Connection error: connect ECONNREFUSED', refused);
    expect(classifyKafkaError(retries)).toBe('unreachable');
    expect(rootMessage(retries)).toBe('connect ECONNREFUSED 127.0.0.1:9092');
    // the fetch manager finding no broker at all: kafkajs crashes at once, without retries
    expect(classifyKafkaError(kafkaError('KafkaJSNoBrokerAvailableError', 'No broker available'))).toBe('unreachable');
    expect(classifyKafkaError(kafkaError('KafkaJSConnectionError', 'Connection timeout'))).toBe('unreachable');
  });

  it('calls a rejected login auth, even inside a connection error', () => {
    const sasl = kafkaError('KafkaJSSASLAuthenticationError', 'SASL AWS_MSK_IAM authentication failed');
    expect(classifyKafkaError(kafkaError('KafkaJSConnectionError', 'Connection error', sasl))).toBe('auth');
  });

  it('leaves anything else as other', () => {
    expect(classifyKafkaError(new Error('boom'))).toBe('other');
    expect(classifyKafkaError(kafkaError('KafkaJSProtocolError', 'This server does not host this topic'))).toBe(
      'other',
    );
    expect(classifyKafkaError('a string')).toBe('other');
    expect(classifyKafkaError(undefined)).toBe('other');
  });
});
