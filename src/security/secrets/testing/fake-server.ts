import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A local HTTP(S) server for the secrets backends' tests. Each fake (vault, aws, gcp, azure)
 * speaks the part of its service's HTTP API that the backend uses, over a real socket, from an
 * in-memory store. `failing` makes every request answer 503, as an outage would.
 */
export interface FakeSecretsServer {
  readonly url: string;
  readonly store: Map<string, string>;
  failing: boolean;
  /** Requests answered, to prove caching and single flight. */
  requests: number;
  close(): Promise<void>;
}

export type FakeHandler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export async function startFakeServer(
  store: Map<string, string>,
  handler: FakeHandler,
  { tls, outage = (response) => sendJson(response, 503, { error: 'unavailable' }) }: { tls?: { key: string; cert: string }; outage?: (response: ServerResponse) => void } = {},
): Promise<FakeSecretsServer> {
  const state = { failing: false, requests: 0 };
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests += 1;
      if (state.failing) return outage(response);
      handler(request, Buffer.concat(chunks).toString('utf8'), response);
    });
  };
  const server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    store,
    get failing() {
      return state.failing;
    },
    set failing(value) {
      state.failing = value;
    },
    get requests() {
      return state.requests;
    },
    set requests(value) {
      state.requests = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A self-signed certificate for 127.0.0.1, generated with openssl into a temporary folder that
 * is removed at once: no private key is ever written into the repository.
 */
export function selfSignedCertificate(): { key: string; cert: string } {
  const folder = mkdtempSync(join(tmpdir(), 'anvil-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(folder, 'key.pem'), 'utf8'), cert: readFileSync(join(folder, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
