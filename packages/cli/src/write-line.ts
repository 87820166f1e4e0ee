import { escapeControlChars } from '@bytemeter/tracker';

/**
 * Writes one piece of terminal output and a newline, with every control character in it (other than the
 * line breaks the program laid out) made visible: names, paths and messages come from users and the
 * server, and a raw ESC or BEL in them would drive the terminal (`\e]0;pwned\a` retitles it). Everything
 * the CLI prints for people goes through here; only export data written as a file or stream does not (its
 * CSV cells are escaped by the tracker, JSON escapes C0 controls itself).
 * @example writeLine(process.stdout, `Recorded for ${backend}`)
 */
export function writeLine(out: { write(text: string): unknown }, text: string): void {
  out.write(`${escapeControlChars(text, { keepNewlines: true })}\n`);
}
