import { escapeControlChars } from '@bytemeter/tracker';
import type { Colors, Output } from './paint.js';

/**
 * Writes one piece of terminal output and a newline, with every control character in it (other than the
 * line breaks the program laid out) made visible: names, paths and messages come from users and the
 * server, and a raw ESC or BEL in them would drive the terminal (`\e]0;pwned\a` retitles it). Everything
 * the CLI prints for people goes through here; only export data written as a file or stream does not (its
 * CSV cells are escaped by the tracker, JSON escapes C0 controls itself). Coloured pieces are escaped
 * first and coloured after, with `colors` (none: plain text).
 * @example writeLine(process.stdout, `Recorded for ${backend}`)
 */
export function writeLine(out: { write(text: string): unknown }, text: Output, colors?: Colors): void {
  out.write(`${renderOutput(text, colors)}\n`);
}

/**
 * The text writeLine would write, without the newline: control characters made visible, then coloured.
 * For views that redraw in place (`status --watch`) and so write through another writer.
 */
export function renderOutput(text: Output, colors?: Colors): string {
  const visible = (t: string) => escapeControlChars(t, { keepNewlines: true });
  return typeof text === 'string'
    ? visible(text)
    : text.map((p) => (p.color && colors ? colors[p.color](visible(p.text)) : visible(p.text))).join('');
}
