import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerPlan } from '../fixtures/record-worker.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The fixture scripts' folder. */
export const FIXTURES = join(PACKAGE_DIR, 'test', 'fixtures');
const WORKER = join(FIXTURES, 'record-worker.ts');

export interface Worker {
  child: ChildProcess;
  /** Resolves with the first stdout line equal to `text`. */
  waitFor(text: string): Promise<void>;
  /** Resolves with every stdout line once the process has exited with code 0; rejects otherwise. */
  done: Promise<string[]>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/**
 * Starts the recording fixture in its own Node process (TypeScript through tsx).
 * @example const w = startWorker({ store: { path }, worker: 1, own: 10, shared: 0, anonymous: 0, mode: 'exit-natural' }); await w.done
 */
export function startWorker(plan: WorkerPlan): Worker {
  return startFixture(WORKER, plan);
}

/**
 * Starts another fixture of test/fixtures in its own Node process, its plan as the JSON argument.
 * @example startFixture(join(FIXTURES, 'budget-worker.ts'), { worker: 1, store })
 */
export function startFixture<T extends { worker: number }>(script: string, plan: T): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(plan)], {
    cwd: PACKAGE_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.text === line)) w.resolve();
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(lines);
      else reject(new Error(`worker ${plan.worker} exited with ${code ?? signal}: ${stderr}`));
    });
  });
  return {
    child,
    done,
    stderr: () => stderr,
    waitFor: (text) =>
      lines.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            done.then(() => {
              throw new Error(`worker ${plan.worker} ended before printing "${text}"`);
            }),
          ]),
  };
}
