/**
 * Polls `condition` until it holds; throws after `timeoutMs` so a stuck condition fails the test.
 * @example await waitUntil(() => (api.live.ticker.listenerCounts().events ?? 0) > 0)
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
