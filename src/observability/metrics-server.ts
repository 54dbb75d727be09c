import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

export interface MetricsServerOptions {
  metrics: Metrics;
  port: number;
  host?: string;
  /** Told when a scrape fails (the response is a 500). */
  onError?: (error: unknown) => void;
}

export interface MetricsServer {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The metrics endpoint of a process without the HTTP API (`anvil worker`): GET /metrics and
 * /healthz, nothing else. Plain node:http: two routes do not need a framework.
 */
export async function startMetricsServer({ metrics, port, host = '127.0.0.1', onError = () => {} }: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metrics.render().then(
        (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(request.method === 'HEAD' ? undefined : text),
        (error: unknown) => {
          onError(error);
          response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
        },
      );
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
