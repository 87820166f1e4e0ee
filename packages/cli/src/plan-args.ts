import { assertTimeZone, ValidationError } from '@bytemeter/core';
import { type PricePlanInput, parsePricePlan } from '@bytemeter/core/pricing';
import { CliError } from './cli-error.js';
import { PLAN_HELP } from './help.js';
import type { Output } from './paint.js';
import { readPlanFile } from './plan-file.js';
import type { UsageReader } from './source/usage-reader.js';
import { parseTime } from './time-flags.js';

export interface PlanFlags {
  file?: string | undefined;
  template?: string | undefined;
  timezone?: string | undefined;
  'effective-from'?: string | undefined;
  json: boolean;
}

const SET_FLAGS = ['file', 'template', 'timezone', 'effective-from'] as const;

/**
 * Checks a `bytemeter plan …` command line completely, the plan file and the plan itself included (core's
 * parsePricePlan, the check the tracker and the API make), and returns what to run against the database or
 * server. Anything wrong is a CliError before either is opened, so a bad plan stores nothing.
 * @example const run = planAction(['set', 'photos'], { template: 'cloudflare-r2-standard', json: false }, Date.now())
 */
export function planAction(
  positionals: readonly string[],
  flags: PlanFlags,
  now: number,
): (reader: UsageReader) => Promise<Output> {
  const [action, ...rest] = positionals;
  const usage = (message: string) => new CliError(`${message}\nUsage:\n${PLAN_HELP}`);
  if (action !== 'set') {
    const given = SET_FLAGS.find((f) => flags[f] !== undefined);
    if (given) throw new CliError(`--${given} goes with \`bytemeter plan set\`, not plan ${action ?? ''}.`);
  }
  switch (action) {
    case 'show': {
      if (rest.length > 1) throw usage('plan show takes at most one backend.');
      const backend = rest[0];
      return async (reader) => {
        const { planShow } = await import('./commands/plan.js');
        return planShow(reader, { ...(backend !== undefined ? { backend } : {}), json: flags.json });
      };
    }
    case 'templates': {
      if (rest.length > 0) throw usage('plan templates takes no arguments.');
      return async (reader) => {
        const { planTemplates } = await import('./commands/plan.js');
        return planTemplates(reader, { json: flags.json });
      };
    }
    case 'delete': {
      if (rest.length !== 1) throw usage('plan delete needs one backend, e.g. `bytemeter plan delete photos`.');
      const backend = rest[0]!;
      return async (reader) => {
        const { planDelete } = await import('./commands/plan.js');
        const done = await planDelete(reader, backend);
        return flags.json ? JSON.stringify({ backend, deleted: true }) : done;
      };
    }
    case 'set': {
      if (rest.length !== 1)
        throw usage('plan set needs one backend, e.g. `bytemeter plan set photos --template cloudflare-r2-standard`.');
      const input = planInput(rest[0]!, flags, now);
      return async (reader) => {
        const { planSet } = await import('./commands/plan.js');
        return planSet(reader, input, { json: flags.json });
      };
    }
    default:
      throw usage(
        action === undefined
          ? 'plan needs an action: set, show, templates or delete.'
          : `Unknown plan action "${action}".`,
      );
  }
}

/** The plan of `plan set`: from the file or the template, flags over the file's values; checked by core. */
function planInput(backend: string, flags: PlanFlags, now: number): PricePlanInput {
  if ((flags.file === undefined) === (flags.template === undefined)) {
    throw new CliError(
      'plan set needs either --file plan.json|plan.yaml or --template NAME (see `bytemeter plan templates`), not both.',
    );
  }
  const file = flags.file !== undefined ? readPlanFile(flags.file) : undefined;
  if (file?.backend !== undefined && file.backend !== backend) {
    throw new CliError(
      `${flags.file} is the plan of "${file.backend}", not "${backend}": fix the file or the backend.`,
    );
  }
  try {
    const timezone = assertTimeZone(flags.timezone ?? file?.timezone ?? 'UTC');
    const effective = flags['effective-from'] ?? file?.effectiveFrom;
    const input: PricePlanInput = {
      backend,
      timezone,
      template: flags.template ?? file?.template ?? null,
      prices: file?.prices ?? [],
      // A date or wall time is read in the plan's zone: `--effective-from 2026-04-01` is its April's start.
      effectiveFrom: effective === undefined ? null : parseTime('effective-from', effective, timezone, now),
    };
    parsePricePlan(input);
    return input;
  } catch (error) {
    if (error instanceof ValidationError) {
      const at = error.field ? ` (at ${error.field})` : '';
      throw new CliError(flags.file !== undefined ? `${flags.file}: ${error.message}${at}` : `${error.message}${at}`);
    }
    throw error;
  }
}
