// What the chart specs share: reading what a chart asked the API for, and pointing at one of its instants.
import type { BytemeterClient } from '@bytemeter/client';
import type { Locator, Page } from '@playwright/test';

export type Granularity = Parameters<BytemeterClient['getTimeSeries']>[0]['granularity'];

/** The timeSeries arguments a drawn chart used (its figure's data-from/to/granularity/timezone). */
export async function askedOf(figure: Locator) {
  const d = await figure.evaluate((f) => ({ ...(f as HTMLElement).dataset }));
  return { range: { from: d.from!, to: d.to! }, granularity: d.granularity as Granularity, timezone: d.timezone! };
}

/** Moves the mouse over instant `ms` of a drawn chart (its x axis runs from data-x-min to data-x-max). */
export async function hoverAt(page: Page, figure: Locator, ms: number): Promise<Locator> {
  const [min, max] = await figure.evaluate((f) => [Number(f.dataset.xMin), Number(f.dataset.xMax)]);
  await figure.locator('.u-over').scrollIntoViewIfNeeded();
  const box = (await figure.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + ((ms - min!) / (max! - min!)) * box.width, box.y + box.height / 2);
  return figure.locator('.chart-tooltip');
}

/** How many pixels of the chart's plot lie between two instants. */
export async function pixelsBetween(figure: Locator, from: number, to: number): Promise<number> {
  const [min, max] = await figure.evaluate((f) => [Number(f.dataset.xMin), Number(f.dataset.xMax)]);
  const box = (await figure.locator('.u-over').boundingBox())!;
  return ((to - from) / (max! - min!)) * box.width;
}

/** The rows of a chart's numbers table: each API bucket's start, its value (one series) and its total. */
export async function chartRows(figure: Locator): Promise<{ t: string; v: number; total: number }[]> {
  return figure.locator('.chart-numbers tr[data-t]').evaluateAll((rows) =>
    rows.map((r) => ({
      t: r.getAttribute('data-t')!,
      v: Number(r.getAttribute('data-v')),
      total: Number(r.getAttribute('data-total')),
    })),
  );
}
