import picocolors from 'picocolors';

// Colour is added by writeLine after the text is escaped, so a colour code is always the CLI's own and a
// name from a user can never carry one to the terminal. picocolors (zero dependencies, one small file) supplies the
// codes; whether to use them is decided here from the stream and NO_COLOR, not from process globals, so
// tests and `run()` callers choose.

export type Color = 'bold' | 'dim' | 'red' | 'green' | 'yellow';

/** A run of text, coloured when the output allows it. */
export interface Piece {
  text: string;
  color?: Color | undefined;
}

/** What a command prints: plain text, or pieces some of which are coloured. */
export type Output = string | readonly Piece[];

export type Colors = Pick<ReturnType<typeof picocolors.createColors>, Color>;

/**
 * Colours for a terminal, none for a pipe or file or when NO_COLOR is set to anything but empty
 * (https://no-color.org); FORCE_COLOR (non-empty, not 0) turns them on anyway.
 */
export function colorsFor(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors | undefined {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return !noColor && (forced || out.isTTY === true) ? picocolors.createColors(true) : undefined;
}

/** The text of an output without colour. */
export function plain(output: Output): string {
  return typeof output === 'string' ? output : output.map((p) => p.text).join('');
}
