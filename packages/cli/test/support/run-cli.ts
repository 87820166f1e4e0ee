import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it in `text`. */
export class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** Runs a command line in this process with a fixed clock and a clean environment (plus `env`), stdout a pipe or (`tty`) a terminal. */
export async function runCli(
  argv: string[],
  options: { now: number; env?: NodeJS.ProcessEnv; tty?: boolean },
): Promise<CliResult> {
  const stdout = new Capture();
  // As a terminal would be: the CLI then colours what it prints (unless NO_COLOR).
  stdout.isTTY = options.tty ?? false;
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, env: options.env ?? {}, now: () => options.now });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Runs the built `bytemeter` binary as its own process, as a person would. */
export function runBinary(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
