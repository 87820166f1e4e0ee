import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  url: string;
  /** Requests answered 502 because their replica could not be reached or dropped the connection. */
  readonly failed: number;
  /** Requests forwarded per upstream. */
  readonly forwarded: number[];
  close(): Promise<void>;
}

/** How long an upstream that refused a connection is skipped (a load balancer's passive health check). */
const DOWN_MS = 300;

/**
 * A real HTTP load balancer on 127.0.0.1 in front of API replicas: round robin over the upstreams not
 * marked down; a request whose replica refuses or drops the connection gets 502 (the client retries, and
 * the next attempt goes to another replica), and that replica is skipped for DOWN_MS.
 */
export async function startBalancer(upstreams: readonly string[]): Promise<Balancer> {
  const targets = upstreams.map((u) => new URL(u));
  const downUntil = targets.map(() => 0);
  const forwarded = targets.map(() => 0);
  let next = 0;
  let failed = 0;
  const pick = () => {
    const now = Date.now();
    for (let i = 0; i < targets.length; i++) {
      const k = (next + i) % targets.length;
      if (downUntil[k]! <= now) {
        next = k + 1;
        return k;
      }
    }
    return next++ % targets.length;
  };
  const server: Server = createServer((req, res) => {
    const k = pick();
    const to = targets[k]!;
    forwarded[k]! += 1;
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      downUntil[k] = Date.now() + DOWN_MS;
      failed += 1;
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain' }).end('replica unreachable');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get failed() {
      return failed;
    },
    forwarded,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
