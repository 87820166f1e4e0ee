// `bytemeter budget list|set|rotate-secret|delete` and `bytemeter alerts [--follow]`: flags checked first, then the local
// file or the server (--endpoint) through one BudgetSource.
import type { BudgetInput, BudgetMetric } from '@bytemeter/tracker';
import { parseCommandArgs, resolveTarget } from './args.js';
import { parseLimit, parseMetric, parseThresholds } from './budget-flags.js';
import { CliError, EXIT, type ExitCode } from './cli-error.js';
import { parseInteger } from './options.js';
import type { Output } from './paint.js';
import type { RunIo } from './run.js';
import { openBudgetSource } from './source/budget-source.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Runs `views` until Ctrl-C or a closed stdout (as run.ts's live views do). */
type UntilInterrupted = (io: RunIo, view: (signal: AbortSignal) => Promise<void>) => Promise<void>;

/** The flags only `budget set` takes; any of them on another action is a mistake worth naming. */
const SET_OPTIONS = {
  id: { type: 'string' },
  name: { type: 'string' },
  backend: { type: 'string' },
  metric: { type: 'string' },
  limit: { type: 'string' },
  timezone: { type: 'string' },
  thresholds: { type: 'string' },
  'no-forecast': { type: 'boolean' },
  webhook: { type: 'string' },
} as const;
const SET_FLAGS = Object.keys(SET_OPTIONS) as (keyof typeof SET_OPTIONS)[];

/**
 * `bytemeter budget …` and `bytemeter alerts …`; errors are thrown for run()'s explain().
 * @example return await budgetCommands('alerts', ['--follow'], io, print, untilInterrupted)
 */
export async function budgetCommands(
  command: 'budget' | 'alerts',
  args: readonly string[],
  io: RunIo,
  print: (text: Output) => void,
  untilInterrupted: UntilInterrupted,
): Promise<ExitCode> {
  if (command === 'alerts') return alerts(args, io, print, untilInterrupted);
  const { values, positionals } = parseCommandArgs('budget', args, SET_OPTIONS, true);
  const [action, ...rest] = positionals;
  const json = values.json ?? false;
  if (action !== 'set') {
    const given = SET_FLAGS.find((flag) => values[flag] !== undefined);
    if (given) throw new CliError(`--${given} goes with \`bytemeter budget set\`.`);
  }
  let run: (source: Awaited<ReturnType<typeof openBudgetSource>>['source']) => Promise<Output>;
  if (action === 'list' && rest.length === 0) {
    const { budgetList } = await import('./commands/budget.js');
    run = (source) => budgetList(source, { json });
  } else if (action === 'delete' && rest.length === 1) {
    const id = rest[0]!;
    const { budgetDelete } = await import('./commands/budget.js');
    run = (source) => budgetDelete(source, id, { json });
  } else if (action === 'rotate-secret' && rest.length === 1) {
    const id = rest[0]!;
    const { budgetRotateSecret } = await import('./commands/budget.js');
    run = (source) => budgetRotateSecret(source, id, { json });
  } else if (action === 'set' && rest.length === 0) {
    const input = budgetInput(values);
    const { budgetSet } = await import('./commands/budget.js');
    run = (source) => budgetSet(source, input, { json });
  } else {
    throw new CliError(
      'Use `bytemeter budget list`, `budget set --name N --metric M --limit L …`, `budget rotate-secret <id>` or `budget delete <id>`.',
    );
  }
  const target = resolveTarget(values, io.env);
  const opened = await openBudgetSource(target);
  try {
    print(await run(opened.source));
  } finally {
    await opened.close();
  }
  return EXIT.OK;
}

function budgetInput(values: Record<string, string | boolean | undefined>): BudgetInput {
  const name = str(values.name);
  if (!name) throw new CliError('--name is required, e.g. --name "S3 egress".');
  const metric = parseMetric(str(values.metric));
  const thresholds = parseThresholds(str(values.thresholds));
  const id = str(values.id);
  const backend = str(values.backend);
  const timezone = str(values.timezone);
  const webhookUrl = str(values.webhook);
  return {
    ...(id !== undefined ? { id } : {}),
    name,
    backend: backend ?? null,
    metric,
    limit: parseLimit(metric, str(values.limit)),
    ...(timezone !== undefined ? { timezone } : {}),
    ...(thresholds !== undefined ? { thresholds } : {}),
    alertOnForecast: values['no-forecast'] !== true,
    webhookUrl: webhookUrl ?? null,
  };
}

async function alerts(
  args: readonly string[],
  io: RunIo,
  print: (text: Output) => void,
  untilInterrupted: UntilInterrupted,
): Promise<ExitCode> {
  const { values } = parseCommandArgs('alerts', args, {
    limit: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    count: { type: 'string' },
  });
  const limit = parseInteger('limit', str(values.limit), 50, 1, 1000);
  const json = values.json ?? false;
  const follow = values.follow ?? false;
  if (!follow && values.count !== undefined) throw new CliError('--count goes with --follow.');
  const count = values.count !== undefined ? parseInteger('count', str(values.count), 1, 1, 1_000_000) : undefined;
  const target = resolveTarget(values, io.env);
  const [{ alertLine, alertsList }, opened] = await Promise.all([
    import('./commands/alerts.js'),
    openBudgetSource(target),
  ]);
  try {
    const { source } = opened;
    const metrics = new Map<string, BudgetMetric>();
    const learnMetrics = async () => {
      for (const b of await source.getBudgets()) metrics.set(b.id, b.metric);
    };
    await learnMetrics();
    const metricOf = (id: string) => metrics.get(id);
    if (!follow) {
      print((await alertsList(source, { limit, json }, metricOf)).output);
      return EXIT.OK;
    }
    await untilInterrupted(io, async (signal) => {
      // Following first, then the history: an alert raised in between shows once (by id), not never.
      const feed = source.followAlerts(signal)[Symbol.asyncIterator]();
      const firstNew = feed.next();
      // Awaited below; this only keeps a failure meanwhile from counting as unhandled.
      firstNew.catch(() => undefined);
      const { output, seen } = await alertsList(source, { limit, json: false }, metricOf);
      const shown = new Set(seen.map((a) => a.id));
      if (json) for (const a of [...seen].reverse()) print(JSON.stringify(a));
      else print(seen.length > 0 ? output : 'No alerts raised yet; waiting for new ones (Ctrl-C stops).');
      let printed = 0;
      for (let step = await firstNew; !step.done; step = await feed.next()) {
        const alert = step.value;
        if (shown.has(alert.id)) continue;
        shown.add(alert.id);
        if (!metrics.has(alert.budgetId)) await learnMetrics();
        print(json ? JSON.stringify(alert) : alertLine(alert, metricOf));
        if (count !== undefined && ++printed >= count) break;
      }
      await feed.return?.();
    });
    return EXIT.OK;
  } finally {
    await opened.close();
  }
}
