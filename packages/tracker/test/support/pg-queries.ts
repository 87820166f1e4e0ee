import pg from 'pg';

/** Calls `seen` with the arguments of every query a pg client sends while `fn` runs. */
async function spyQueries(fn: () => Promise<unknown>, seen: (args: unknown[]) => void): Promise<void> {
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    seen(args);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = original;
  }
}

/** The texts of every query a pg client sends while `fn` runs (parameters are not in them). */
export async function queriesDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  await spyQueries(fn, ([text]) =>
    sent.push(typeof text === 'string' ? text : String((text as { text?: string })?.text ?? '')),
  );
  return sent;
}

/** Every parameterised statement a pg client sends while `fn` runs, with its parameters. */
export async function parameterisedDuring(fn: () => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
  const sent: { text: string; values: unknown[] }[] = [];
  await spyQueries(fn, ([text, values]) => {
    if (typeof text === 'string' && Array.isArray(values)) sent.push({ text, values });
  });
  return sent;
}
