import { type Color, type Piece, plain } from './paint.js';

/** Picks a cell's colour: row is the index in `rows`, col the column. */
export type CellColor = (row: number, col: number, cell: string) => Color | undefined;

/**
 * Renders rows as an aligned table of pieces (bold header, dim rule, cells coloured by `color`); numbers
 * (right-aligned columns) are named in `right`.
 */
export function paintTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
  color: CellColor = () => undefined,
): Piece[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pieces: Piece[] = [];
  const line = (cells: readonly string[], colorOf: (col: number, cell: string) => Color | undefined) => {
    const own: Piece[] = [];
    cells.forEach((c, i) => {
      const text = right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      // Padding stays outside the colour, so underlines and backgrounds never stretch across the gaps.
      const start = right.has(i) ? text.length - c.length : 0;
      if (start > 0) own.push({ text: text.slice(0, start) });
      if (c !== '') own.push({ text: c, color: colorOf(i, c) });
      if (start + c.length < text.length) own.push({ text: text.slice(start + c.length) });
      if (i < cells.length - 1) own.push({ text: '  ' });
    });
    // No trailing blanks (an empty last column leaves none).
    while (own.length > 0 && own.at(-1)!.text.trimEnd() === '') own.pop();
    const tail = own.at(-1);
    if (tail) own[own.length - 1] = { ...tail, text: tail.text.trimEnd() };
    pieces.push(...own);
  };
  line(header, () => 'bold');
  pieces.push({ text: '\n' });
  line(
    widths.map((w) => '─'.repeat(w)),
    () => 'dim',
  );
  rows.forEach((r, row) => {
    pieces.push({ text: '\n' });
    line(r, (col, cell) => color(row, col, cell));
  });
  return pieces;
}

/** Renders rows as an aligned text table; numbers (right-aligned columns) are named in `right`. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  return plain(paintTable(header, rows, right));
}
