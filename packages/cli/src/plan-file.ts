import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { PricePlanInput } from '@bytemeter/core/pricing';
import { parse as parseYaml } from 'yaml';
import { CliError } from './cli-error.js';

// A price plan file (`bytemeter plan set <backend> --file plan.yaml`), JSON or YAML:
//
//   timezone: Europe/Berlin            # optional, default UTC
//   template: cloudflare-r2-standard   # optional: start from it, override the resources listed
//   effectiveFrom: 2026-04-01          # optional: a TIME as --from takes it, in the plan's zone
//   prices:
//     - resource: download
//       tiers: [{ upTo: 1, pricePerUnit: 0 }, { pricePerUnit: 0.09 }]
//
// Both are read by `yaml` (JSON is YAML) with its failsafe schema: every value is the text as written, so
// a price such as 0.0000004 reaches core's exact decimal parser as "0.0000004", never through a binary float
// (JSON.parse would make it 4e-7). Only upTo, a whole number, is converted here.

const TOP_KEYS = ['backend', 'timezone', 'template', 'effectiveFrom', 'prices'] as const;
const PRICE_KEYS = ['resource', 'tiers'] as const;
const TIER_KEYS = ['upTo', 'pricePerUnit'] as const;

/** What a plan file holds, before the backend and flags are applied; effectiveFrom still as written. */
export interface PlanFile extends Omit<PricePlanInput, 'backend' | 'effectiveFrom'> {
  backend?: string;
  effectiveFrom?: string;
}

type Mapping = Record<string, unknown>;

const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(file: string, where: string, value: Mapping, allowed: readonly string[]): void {
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new CliError(
      `${file}: unknown key ${JSON.stringify(unknown[0])} in ${where}; it takes ${allowed.join(', ')}.`,
    );
  }
}

/** A single value as written; a list or mapping where one value belongs is refused (absent stays absent). */
function text(file: string, where: string, value: unknown): string {
  if (value !== undefined && typeof value !== 'string') {
    throw new CliError(`${file}: ${where} must be a single value, not a list or a mapping.`);
  }
  return value as string;
}

/** upTo as written: a whole number, or absent/null on the last tier; anything else goes to core's check as is. */
function upTo(value: unknown): number | string | null | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === '~' || value === 'null') return null;
  if (typeof value === 'string' && /^(0|[1-9]\d{0,15})$/.test(value)) return Number(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Reads and shapes a plan file; a missing file, a syntax error or an unknown key is a CliError naming the
 * file and the place. The plan's values are checked by core (parsePricePlan) afterwards.
 * @example readPlanFile('plan.yaml').prices
 */
export function readPlanFile(file: string): PlanFile {
  const ext = extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new CliError(`--file must name a .json, .yaml or .yml file; got ${JSON.stringify(file)}.`);
  }
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(
      `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}.`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(source, { schema: 'failsafe', uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    throw new CliError(`${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (!isMapping(doc)) {
    throw new CliError(`${file} must hold one mapping with ${TOP_KEYS.join(', ')}; see \`bytemeter plan --help\`.`);
  }
  checkKeys(file, 'the plan', doc, TOP_KEYS);
  const plan: PlanFile = {};
  if (doc.backend !== undefined) plan.backend = text(file, 'backend', doc.backend);
  if (doc.timezone !== undefined) plan.timezone = text(file, 'timezone', doc.timezone);
  if (doc.template !== undefined) plan.template = text(file, 'template', doc.template);
  if (doc.effectiveFrom !== undefined) plan.effectiveFrom = text(file, 'effectiveFrom', doc.effectiveFrom);
  if (doc.prices !== undefined) {
    if (!Array.isArray(doc.prices)) throw new CliError(`${file}: prices must be a list of { resource, tiers }.`);
    plan.prices = doc.prices.map((price: unknown, i) => {
      const where = `prices[${i}]`;
      if (!isMapping(price)) throw new CliError(`${file}: ${where} must be a mapping with resource and tiers.`);
      checkKeys(file, where, price, PRICE_KEYS);
      if (!Array.isArray(price.tiers)) {
        throw new CliError(`${file}: ${where}.tiers must be a list of { upTo, pricePerUnit }.`);
      }
      const tiers = price.tiers.map((tier: unknown, k) => {
        const at = `${where}.tiers[${k}]`;
        if (!isMapping(tier)) throw new CliError(`${file}: ${at} must be a mapping with upTo and pricePerUnit.`);
        checkKeys(file, at, tier, TIER_KEYS);
        const limit = upTo(tier.upTo);
        return {
          ...(limit !== undefined ? { upTo: limit as number | null } : {}),
          pricePerUnit: text(file, `${at}.pricePerUnit`, tier.pricePerUnit),
        };
      });
      return { resource: text(file, `${where}.resource`, price.resource) as never, tiers };
    });
  }
  return plan;
}
