// The health endpoint the ECS container health check calls (lib/constructs/stream-consumer.ts: GET
// http://127.0.0.1:8080/healthz from inside the task): 200 while the consumer is healthy, 503 otherwise, with the
// consumer's state as JSON either way. Plain node:http; no request body is read.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthReport {
  healthy: boolean;
  /** Serialised as the response body. */
  details: Record<string, unknown>;
}

export interface HealthServer {
  /** http://host:port/healthz as bound (port 0 resolved). */
  readonly url: string;
  close(): Promise<void>;
}

export const HEALTH_PATH = '/healthz';

export async function startHealthServer(
  options: { port: number; host: string },
  report: () => HealthReport,
): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== HEALTH_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; try ${HEALTH_PATH}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    let r: HealthReport;
    try {
      r = report();
    } catch (e) {
      r = { healthy: false, details: { error: (e as Error).message } };
    }
    const body = `${JSON.stringify({ status: r.healthy ? 'ok' : 'unhealthy', ...r.details })}\n`;
    res.writeHead(r.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  // A health check that hangs is a failed health check; never keep sockets around for it.
  server.keepAliveTimeout = 1000;
  server.requestTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(`health endpoint: cannot listen on ${options.host}:${options.port}: ${e.message}`, { cause: e }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${HEALTH_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
