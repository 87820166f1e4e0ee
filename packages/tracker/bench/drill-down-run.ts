// `pnpm --filter @bytemeter/tracker bench:drill-down` (add `--quick` for 10k and 100k events only): the
// drill-down page and the export at growing file sizes, written as the `drilldown` section of BENCHMARKS.md
// (a quick run only prints it). Part of `pnpm bench`.
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { benchDrillDown, type DrillDownResult } from './drill-down.js';

const quick = process.argv.includes('--quick');
const scratch = join(fileURLToPath(new URL('..', import.meta.url)), '.bench', 'drill-down');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
const loadBefore = loadavg();
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
process.stderr.write(`drill-down bench at ${sizes.join(', ')} events\n`);
const result = await benchDrillDown(scratch, sizes, quick ? 3 : 10, 10, 3);
rmSync(scratch, { recursive: true, force: true });
const markdown = render(result);
process.stdout.write(markdown);
if (!quick) writeSection(fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url)), 'drilldown', markdown);

function render(r: DrillDownResult): string {
  const n = (x: number, digits = 0) =>
    x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const ms = (x: number) => n(x, x < 10 ? 2 : 1);
  const first = r.sizes[0]!;
  const lines = [
    '## Drill-down and export (`packages/tracker/bench/drill-down.ts`)',
    '',
    `Measured ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} at the start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end), Node ${process.version}.`,
    "Each file holds its events spread over the 24 hours before its end (8 backends, all resource types, a third with an operation id and path), so the page's window holds every event and grows with the file. `getResourceUsage({ from, to, limit: 1000 })` over those 24 hours as a fixed range (explicit `from` and `to`) is timed end to end (awaited): the first page, and the page after five cursors. The baseline is one prepared better-sqlite3 SELECT of the same 1,001 rows and columns (no count, no mapping to events). All sizes and the baseline run in the same rounds, interleaved, " +
      `${n(r.samples)} samples each; p50 / p99 in ms.`,
    '',
    '| events in the window | first page p50 / p99 | page 6 p50 / p99 | baseline p50 | page ÷ baseline (p50) | first page p50 ÷ at 10,000 |',
    '|---:|---:|---:|---:|---:|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${n(s.events)} | ${ms(s.firstPage.p50)} / ${ms(s.firstPage.p99)} | ${ms(s.laterPage.p50)} / ${ms(s.laterPage.p99)} | ${ms(s.baseline)} | ${n(s.firstPage.p50 / s.baseline, 2)}× | ${n(s.firstPage.p50 / first.firstPage.p50, 2)}× |`,
    ),
    '',
    'The same calls as CPU time of the bench process (user + system, p50 in ms): on this shared machine a call also waits for a core, and the longer the call the more it waits, so wall-time ratios overstate the gap.',
    '',
    '| events in the window | first page CPU | page 6 CPU | baseline CPU | page ÷ baseline | first page ÷ at 10,000 | first page, totals not kept | ÷ baseline | first page after a commit of this process | ÷ baseline | that flush (1 event) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${n(s.events)} | ${ms(s.cpu.firstPage)} | ${ms(s.cpu.laterPage)} | ${ms(s.cpu.baseline)} | ${n(s.cpu.firstPage / s.cpu.baseline, 2)}× | ${n(s.cpu.firstPage / first.cpu.firstPage, 2)}× | ${ms(s.cpu.firstPageUnkept)} | ${n(s.cpu.firstPageUnkept / s.cpu.baseline, 2)}× | ${ms(s.cpu.firstPageAfterOwnCommit)} | ${n(s.cpu.firstPageAfterOwnCommit / s.cpu.baseline, 2)}× | ${ms(s.cpu.ownFlush)} |`,
    ),
    '',
    "On SQLite a page's totals (sum, count, min, max per resource over the whole filtered range, from rollups) are kept between two commits to the file, keyed by the filters and the range: every page of a fixed range, refreshed or paged, reads them once. A range that ends at the clock (`hoursBack`, the API's default, or `from` without `to`) moves every millisecond, so its first page keeps them in pieces (see the next table); its later pages carry the first page's range in their cursor and keep them whole. \"Totals not kept\" is a tracker opened with `memoizeSummaries: false`, which computes them for every page (about 6,000 rollup rows summed here: the window's 23 whole hours and 59 minutes at its older edge): the cost of the first page after a commit of another process (or a retention delete, or a batch that changed stored rows), and of every page on PostgreSQL, which keeps no totals.",
    '',
    '| events in the window | first page, last 24 h (`hoursBack: 24`, clock moving) p50 / p99 | its CPU p50 | ÷ baseline CPU |',
    '|---:|---:|---:|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${n(s.events)} | ${ms(s.hoursBackPage.p50)} / ${ms(s.hoursBackPage.p99)} | ${ms(s.hoursBackPage.cpu)} | ${n(s.hoursBackPage.cpu / s.cpu.baseline, 2)}× |`,
    ),
    '',
    "The issue's own case: the first page of `getResourceUsage({ hoursBack: 24, limit: 1000 })` on a tracker whose clock moves 1 ms per call (within one minute), so every call asks a range no call asked before. Its totals are summed from pieces: the whole hours, minutes, ten seconds and seconds of the range, kept between commits (each read again when the clock passes a mark of its size, the pieces it passed dropped at once), and the raw events before its first second mark and after its last, read every time in one statement (one second of events in all).",
    '',
    '"First page after a commit of this process" runs on a copy of the file: before each sample the tracker that reads records one event inside the window and flushes it (the flush\'s CPU is the last column), then reads the first page. Kept totals are brought past its own commits by adding the rows it wrote (commits of other processes, retention deletes and batches that change stored rows still drop them).',
    '',
    '`totalCount` comes from the rollups where every raw event of the range is still kept (as here), so a page no longer counts its whole window; the page itself is one index range read of 1,001 rows.',
    '',
    "Export: `exportUsage({ format: 'ndjson' })` of every event of the file, chunks discarded, beside better-sqlite3 `iterate()` over the same rows in the same order with one `JSON.stringify` per row; median of 3 runs each.",
    '',
    '| events | export events/s | baseline events/s | export ÷ baseline |',
    '|---:|---:|---:|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${n(s.events)} | ${n(s.exportPerSec)} | ${n(s.exportBaselinePerSec)} | ${n(s.exportPerSec / s.exportBaselinePerSec, 2)}× |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
