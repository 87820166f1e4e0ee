// Evaluation's reuse of cost reads. getCosts' plan reads every rollup edge of a backend's month, which
// costs milliseconds per backend; an evaluation after a write re-reads only the backends written since
// the last one (and any line older than REFRESH_MS, so other processes' writes count within that bound).
// Costs within a month only grow, so a line a little stale can delay an alert, never raise a false one.
// getBudgets never uses it: its reads are always fresh.

/** A line not re-read for this long is read again, written here or not. */
export const COST_LINE_REFRESH_MS = 3_000;

/** One backend's computed cost of one billing month (and its month-end forecast), in micros. */
export interface CostLine {
  cost: number;
  forecast: number;
}

export class CostLines {
  private readonly lines = new Map<string, CostLine & { at: number }>();
  private touched: ReadonlySet<string> | null = null;

  /** Starts an evaluation: these backends were written since the last one (null: read every line again). */
  begin(touched: ReadonlySet<string> | null): void {
    this.touched = touched;
    if (touched === null) this.lines.clear();
  }

  /** The line of (zone, month, backend) if it may be reused now. */
  reuse(zone: string, monthStart: number, backend: string): CostLine | undefined {
    if (this.touched === null || this.touched.has(backend)) return undefined;
    const line = this.lines.get(key(zone, monthStart, backend));
    return line && Date.now() - line.at < COST_LINE_REFRESH_MS ? line : undefined;
  }

  keep(zone: string, monthStart: number, backend: string, line: CostLine): void {
    this.lines.set(key(zone, monthStart, backend), { ...line, at: Date.now() });
  }
}

const key = (zone: string, monthStart: number, backend: string) => `${zone}\u0000${monthStart}\u0000${backend}`;
