import { formatBytes, formatCount } from '@bytemeter/tracker';

/** Where the bar draws: stderr, or anything with write(). */
export interface ProgressOutput {
  write(text: string): unknown;
}

const WIDTH = 24;

/**
 * A one-line progress bar redrawn in place (carriage return), at most every `intervalMs`.
 * @example const bar = new ProgressBar(process.stderr, 1_000_000); bar.update(5000, 1 << 20); bar.finish()
 */
export class ProgressBar {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly total: number,
    private readonly intervalMs = 100,
    private readonly clock: () => number = Date.now,
    /** What is counted: events (an export), rows (a copy). */
    private readonly unit = 'events',
  ) {}

  /** Draws the bar if the interval has passed since the last draw; `bytes` when there is a size to show. */
  update(done: number, bytes?: number): void {
    const now = this.clock();
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.draw(done, bytes);
  }

  /** Draws the final state and ends the line. */
  finish(done: number, bytes?: number): void {
    this.draw(done, bytes);
    if (this.drawn) this.out.write('\n');
  }

  private draw(done: number, bytes: number | undefined) {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
    this.out.write(
      `\r${bar} ${pct} ${formatCount(Math.min(done, this.total))}/${formatCount(this.total)} ${this.unit}${bytes === undefined ? '' : ` · ${formatBytes(bytes)}`}\u001b[K`,
    );
    this.drawn = true;
  }
}
