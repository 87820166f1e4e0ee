export interface StackOptions {
  dbPath?: string;
  apiPort?: number;
  webPort?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the servers' output goes: inherited, dropped (kept in memory to explain a crash), or a file descriptor. */
  stdio?: 'inherit' | 'ignore' | 'pipe' | number;
  /** First wait before restarting an API that died (default 1000 ms; doubles up to 30 s while it keeps dying). */
  apiRestartDelayMs?: number;
  /** Where restart notices go (default stderr). */
  log?: (line: string) => void;
}
export interface RunningStack {
  apiUrl: string;
  webUrl: string;
  stop(): Promise<void>;
  /** Settles with a reason when the dashboard process dies on its own (the caller should stop and exit non-zero). */
  exited: Promise<string>;
  /** Kills the API process as a crash would (tests of the dashboard's "API down" page and the restart). */
  killApi(): Promise<void>;
}
/** `count` distinct TCP ports that were free a moment ago on 127.0.0.1. */
export function freePorts(count: number): Promise<number[]>;
/** Starts the built API and dashboard and waits until both answer. */
export function startStack(options?: StackOptions): Promise<RunningStack>;
