/**
 * Waits until `check` holds, polling every 25 ms; rejects after `ms` (what a user would wait for, never a
 * fixed sleep).
 * @example await eventually(async () => (await t.getBudgetAlerts()).length === 2)
 */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
