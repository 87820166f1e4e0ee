import pg from 'pg';

/**
 * One PostgreSQL connection that LISTENs on a channel and hands every notification's payload to
 * `onPayload`. It opens on the first `ready()` and, after it breaks, again on the next one; `generation`
 * counts the connections made, so a caller can tell that notifications may have been missed in between
 * (PostgreSQL keeps none for a connection that is gone), and `onLost` hears of each break.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private closed = false;
  /** Connections opened so far; 0 before the first. */
  generation = 0;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onPayload: (payload: string) => void,
    private readonly onLost: () => void = () => {},
    /**
     * Runs on every new connection once it listens, before anyone may use it: `again` is false for the
     * first. Notifications may arrive meanwhile (they go to onPayload as always).
     */
    private readonly onListening: (client: pg.Client, again: boolean) => Promise<void> = async () => {},
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  }

  /** Whether a listening connection is open now. */
  get listening(): boolean {
    return this.client !== null;
  }

  /**
   * The listening connection, opened if needed. Its round trip `sync()` makes PostgreSQL send every
   * notification of a transaction that committed before the call ahead of its answer.
   */
  ready(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error(`The ${this.channel} listener is closed.`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Resolves once every notification of a transaction committed before this call was handed over. */
  async sync(): Promise<void> {
    await (await this.ready()).query('select 1');
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => null));
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async open(): Promise<pg.Client> {
    // Named, so an operator (or a test) can tell the listening connection in pg_stat_activity.
    const client = new pg.Client({ connectionString: this.url, application_name: `bytemeter_listen_${this.channel}` });
    // Set by a break before the connection is handed out too (this.client is still null then).
    let ended = false;
    const lost = () => {
      ended = true;
      if (this.client !== client) return;
      this.client = null;
      if (!this.closed) this.onLost();
    };
    client.on('error', () => {
      lost();
      client.end().catch(() => {});
    });
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onPayload(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
      await this.onListening(client, this.generation > 0);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      throw new Error(`The ${this.channel} listener is closed.`);
    }
    this.generation++;
    if (ended) {
      // It listened and onListening finished, then broke before being handed out: a break like any other
      // (onLost records what the next connection must catch up on), and nothing keeps a dead connection.
      if (!this.closed) this.onLost();
      throw new Error(`The ${this.channel} listening connection broke as it opened.`);
    }
    this.client = client;
    return client;
  }
}
