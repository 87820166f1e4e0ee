import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the proxy treats the next requests: pass them on, answer 503, close the socket before forwarding,
 * or forward and then close the socket instead of answering (the server did the work; the client never hears).
 */
export type ProxyMode = 'pass' | 'unavailable' | 'drop' | 'lose-answer';

export interface FlakyProxy {
  url: string;
  mode: ProxyMode;
  /** Requests seen per mode, to wait for a failure to have happened. */
  readonly seen: Record<ProxyMode, number>;
  close(): Promise<void>;
}

/** A real HTTP proxy on 127.0.0.1 in front of `target` that fails on command. */
export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const to = new URL(target);
  const seen: Record<ProxyMode, number> = { pass: 0, unavailable: 0, drop: 0, 'lose-answer': 0 };
  const proxy: FlakyProxy = {
    url: '',
    mode: 'pass',
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const mode = proxy.mode;
    seen[mode] += 1;
    if (mode === 'drop') {
      req.socket.destroy();
      return;
    }
    if (mode === 'unavailable') {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream down');
      return;
    }
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        if (mode === 'lose-answer') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('connection', (socket) => socket.setNoDelay(true));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = proxy.close;
  proxy.close = () => {
    server.closeAllConnections();
    return close();
  };
  return proxy;
}
