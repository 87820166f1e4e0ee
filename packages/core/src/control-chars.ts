// Text from users (backend names, paths, metadata) reaches terminals, logs and spreadsheets. A raw ESC or
// BEL there is an instruction, not text: `\e]0;pwned\a` retitles the terminal, an ESC [ sequence can rewrite
// what is on screen, and a bidi override (U+202E) shows characters in another order than they are stored.
// These are made visible as escapes instead, so what is printed is what is stored, just readable.

/**
 * C0 controls (U+0000–U+001F), DEL, C1 controls (U+0080–U+009F; U+009B is an 8-bit CSI) and the bidi
 * embedding, override and isolate marks (U+202A–U+202E, U+2066–U+2069).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same set without the line feed, for text that is already laid out in lines. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character written as a visible escape (`\x1b`, `\u202e`); other text, including
 * backslashes and non-Latin scripts, is unchanged. `keepNewlines` leaves `\n` alone, for multi-line output
 * whose values were laid out by the program.
 * @example escapeControlChars('\u001b]0;pwned\u0007') // '\\x1b]0;pwned\\x07'
 */
export function escapeControlChars(text: string, options: { keepNewlines?: boolean } = {}): string {
  const pattern = options.keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL;
  pattern.lastIndex = 0;
  return pattern.test(text) ? text.replace(pattern, visible) : text;
}
