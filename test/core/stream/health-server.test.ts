import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthReport, type HealthServer } from '../../../core/stream/index.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('health endpoint', () => {
  it('answers 200 when healthy and 503 when not, with the state as JSON', async () => {
    let report: HealthReport = { healthy: true, details: { state: 'running', lag: 3 } };
    server = await startHealthServer({ port: 0, host: '127.0.0.1' }, () => report);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/healthz$/);
    let r = await fetch(server.url);
    expect([r.status, await r.json()]).toEqual([200, { status: 'ok', state: 'running', lag: 3 }]);
    report = { healthy: false, details: { state: 'stopping' } };
    r = await fetch(server.url);
    expect([r.status, await r.json()]).toEqual([503, { status: 'unhealthy', state: 'stopping' }]);
  });

  it('a failing report is an unhealthy answer, not a crash', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1' }, () => {
      throw new Error('boom');
    });
    const r = await fetch(server.url);
    expect([r.status, await r.json()]).toEqual([503, { status: 'unhealthy', error: 'boom' }]);
  });

  it('other paths are 404, other methods 405', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1' }, () => ({ healthy: true, details: {} }));
    expect((await fetch(server.url.replace('/healthz', '/'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
  });

  it('a port in use is a clear error', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1' }, () => ({ healthy: true, details: {} }));
    const port = Number(new URL(server.url).port);
    await expect(
      startHealthServer({ port, host: '127.0.0.1' }, () => ({ healthy: true, details: {} })),
    ).rejects.toThrow(`health endpoint: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
  });
});
