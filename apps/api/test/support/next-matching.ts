/**
 * Pulls from a subscription until an item matches; rejects after `timeoutMs` so a broken feed fails the
 * test instead of hanging it. Items that do not match are returned too, for diagnostics.
 * @example const sample = await nextMatching(iter, (s) => s.data?.liveBandwidth.uploadBytes > 0)
 */
export async function nextMatching<T>(
  iterator: AsyncIterator<T>,
  match: (item: T) => boolean,
  timeoutMs = 10_000,
): Promise<{ item: T; skipped: T[] }> {
  const skipped: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no matching item within ${timeoutMs} ms; saw ${JSON.stringify(skipped.slice(-5))}`)),
      timeoutMs,
    );
  });
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), timeout]);
      if (step.done) throw new Error(`subscription ended; saw ${JSON.stringify(skipped.slice(-5))}`);
      if (match(step.value)) return { item: step.value, skipped };
      skipped.push(step.value);
    }
  } finally {
    clearTimeout(timer);
  }
}
