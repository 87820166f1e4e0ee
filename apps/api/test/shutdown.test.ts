import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { type TestStore, testStore } from './support/harness.js';

// SIGTERM runs close(); a process manager (the stack script, systemd) kills the API if that takes too long,
// and a killed API never closes its tracker. A client that stops reading must not hold shutdown hostage.

describe('shutdown', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await testStore('shutdown');
  });
  afterAll(() => db.cleanup());

  it('finishes promptly even when a WebSocket client never answers the close handshake', async () => {
    const api = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
    const client = new WebSocket(`${api.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const acked = new Promise((resolve) => client.once('message', resolve));
    await new Promise((resolve) => client.once('open', resolve));
    client.send(JSON.stringify({ type: 'connection_init' }));
    await acked;
    // A stalled peer (a frozen browser tab, a half-open connection): it reads nothing more, so it never
    // answers the server's close frame.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = performance.now();
    await api.close();
    const took = performance.now() - started;
    client.terminate();
    // The grace period is 1 s; without it ws waits its 30 s close timeout.
    expect(took).toBeLessThan(5000);
  });
});
