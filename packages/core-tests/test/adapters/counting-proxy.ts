import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What passed through the proxy: body bytes each way and the requests, counted on the wire. */
export interface ProxyCounts {
  requests: string[];
  up: number;
  down: number;
}

/**
 * A real HTTP proxy on 127.0.0.1 in front of `target` that counts request and response body bytes, so
 * tests compare the adapter's numbers with what actually crossed the socket.
 */
export async function startCountingProxy(targetPort: number): Promise<{
  url: string;
  counts: ProxyCounts;
  reset(): void;
  close(): Promise<void>;
}> {
  const counts: ProxyCounts = { requests: [], up: 0, down: 0 };
  const server: Server = createServer((req, res) => {
    counts.requests.push(`${req.method} ${req.url}`);
    const headers = { ...req.headers };
    delete headers.expect; // this proxy already answered 100-continue itself
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.on('data', (chunk: Buffer) => {
          counts.down += chunk.length;
        });
        up.pipe(res);
      },
    );
    upstream.on('error', (error) => res.destroy(error));
    req.on('data', (chunk: Buffer) => {
      counts.up += chunk.length;
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    reset() {
      counts.requests = [];
      counts.up = 0;
      counts.down = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
