export interface StackOptions {
  dbPath?: string;
  apiPort?: number;
  webPort?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the servers' output goes: inherited, dropped (kept in memory to explain a crash), or a file descriptor. */
  stdio?: 'inherit' | 'ignore' | 'pipe' | number;
}
export interface RunningStack {
  apiUrl: string;
  webUrl: string;
  stop(): Promise<void>;
}
/** `count` distinct TCP ports that were free a moment ago on 127.0.0.1. */
export function freePorts(count: number): Promise<number[]>;
/** Starts the built API and dashboard and waits until both answer. */
export function startStack(options?: StackOptions): Promise<RunningStack>;
