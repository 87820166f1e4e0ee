import pg from 'pg';

/** A query a pg client sent: its text (parameters are not in it) and the client that sent it. */
export interface SentQuery {
  client: pg.Client;
  text: string;
}

/** Calls `seen` with the arguments of every query a pg client sends while `fn` runs, and the client. */
async function spyQueries(
  fn: () => Promise<unknown>,
  seen: (args: unknown[], client: pg.Client) => void,
): Promise<void> {
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    seen(args, this);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = original;
  }
}

const textOf = (text: unknown) => (typeof text === 'string' ? text : String((text as { text?: string })?.text ?? ''));

/**
 * Every query a pg client sends while `fn` runs, in the order sent, each with its client. Every client of
 * the process is seen (a tracker's pool, its LISTEN connection, the budget evaluator's and the commit
 * watcher's reads): an order that matters within a transaction is one client's (queriesOf).
 */
export async function sentDuring(fn: () => Promise<unknown>): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  await spyQueries(fn, ([text], client) => sent.push({ client, text: textOf(text) }));
  return sent;
}

/** The texts one client sent, in order: those of the client that sent the first text matching `pattern`. */
export function queriesOf(sent: readonly SentQuery[], pattern: RegExp): string[] {
  const first = sent.find((q) => pattern.test(q.text));
  if (first === undefined) return [];
  return sent.filter((q) => q.client === first.client).map((q) => q.text);
}

/** The texts of every query a pg client sends while `fn` runs (parameters are not in them). */
export async function queriesDuring(fn: () => Promise<unknown>): Promise<string[]> {
  return (await sentDuring(fn)).map((q) => q.text);
}

/** Every parameterised statement a pg client sends while `fn` runs, with its parameters. */
export async function parameterisedDuring(fn: () => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
  const sent: { text: string; values: unknown[] }[] = [];
  await spyQueries(fn, ([text, values]) => {
    if (typeof text === 'string' && Array.isArray(values)) sent.push({ text, values });
  });
  return sent;
}
