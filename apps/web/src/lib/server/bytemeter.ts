import 'server-only';
// The dashboard's server-side view of the API, through @bytemeter/client with the session's read token
// (never the browser's). Pages call these; a missing or refused token sends the user to the login page.
import {
  type BytemeterClient,
  BytemeterClientError,
  type CostReport,
  type CostsVariables,
  createBytemeterClient,
  GraphQLRequestError,
  type PricePlanTemplate,
} from '@bytemeter/client';
import { gql } from '@urql/core';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { DAYS_PER_REQUEST, type DayCost, type DayRange, dailyCostsQuery, dailyCostsVariables } from '../cost-days';
import type {
  BackendStatus,
  BackendType,
  Granularity,
  Period,
  ResourceType,
  SeriesPoint,
  UsageEventConnection,
  UsageSummary,
} from '../types';
import { PATH_HEADER } from '../zone-cookie';
import { sessionToken } from './session';
import { apiUrl } from './settings';

/**
 * A client for the API with `token` (or none). Reads BYTEMETER_API_URL per call.
 * @example const client = clientFor(await sessionToken())
 */
export function clientFor(token: string | null): BytemeterClient {
  return createBytemeterClient({ url: apiUrl(), ...(token ? { token } : {}) });
}

/** The first error's code of a refused call (UNAUTHENTICATED, FORBIDDEN, …), or the client's own code. */
export function errorCode(error: unknown): string | null {
  if (error instanceof GraphQLRequestError) return error.graphqlCode;
  if (error instanceof BytemeterClientError) return error.code;
  return null;
}

/** The API did not answer (connection refused, reset, timed out): the page says so instead of failing. */
export class ApiUnreachableError extends Error {
  constructor(readonly url: string) {
    super(`Cannot reach the bytemeter API at ${url}.`);
    this.name = 'ApiUnreachableError';
  }
}

/**
 * Runs `call` with the session's client; UNAUTHENTICATED means "log in", NETWORK means the API is down.
 * @example const budgets = await read((c) => c.getBudgets())
 */
export async function read<T>(call: (client: BytemeterClient) => Promise<T>): Promise<T> {
  try {
    return await call(clientFor(await sessionToken()));
  } catch (error) {
    const code = errorCode(error);
    if (code === 'UNAUTHENTICATED') {
      // Back to the page that was asked for once logged in (the proxy passes its path on).
      const path = (await headers()).get(PATH_HEADER);
      redirect(path && path !== '/' ? `/login?next=${encodeURIComponent(path)}` : '/login');
    }
    if (code === 'NETWORK') throw new ApiUnreachableError(apiUrl());
    throw error;
  }
}

/**
 * A page's reads, or the API's address when it cannot be reached: pages render <ApiDown> in their layout
 * then (a thrown error would reach the browser as a bare digest in production). Other errors pass through.
 * @example const data = await loadOrDown(() => getBackendStatus()); if ('down' in data) return <ApiDown url={data.down} />;
 */
export async function loadOrDown<T>(load: () => Promise<T>): Promise<{ value: T } | { down: string }> {
  try {
    return { value: await load() };
  } catch (error) {
    if (error instanceof ApiUnreachableError) return { down: error.url };
    throw error;
  }
}

/**
 * Totals for the calendar period holding now (or an explicit range) in a time zone.
 * @example await getUsageSummary({ period: 'DAY', timezone: 'Europe/Berlin' })
 */
export function getUsageSummary(args: {
  period?: Period;
  timezone?: string;
  /** An instant inside the period wanted (default now): steps back and forward in time. */
  at?: string;
  range?: { from: string; to: string };
  backend?: string;
}): Promise<UsageSummary> {
  return read((c) => c.getUsageSummary(args));
}

/**
 * Status of every backend (or one): health, current Mbps, storage level.
 * @example const rows = await getBackendStatus()
 */
export function getBackendStatus(backend?: string): Promise<BackendStatus[]> {
  return read((c) => c.getBackendStatus(backend));
}

/**
 * One page of events, newest first.
 * @example await getUsagePage({ backend: 'photos', hoursBack: 24, first: 50 })
 */
export function getUsagePage(args: {
  backend?: string;
  backendType?: BackendType;
  resourceType?: ResourceType;
  hoursBack?: number;
  range?: { from: string; to: string };
  success?: boolean;
  pathPrefix?: string;
  first: number;
  /** Older events: the page after this endCursor. */
  after?: string;
  /** Newer events: the page before this startCursor (`last` events, default `first`). */
  before?: string;
  /** Page size going backward; alone, the page of the oldest events. */
  last?: number;
}): Promise<UsageEventConnection> {
  const { first, after, ...filter } = args;
  return read(async (c) => {
    const pages = c.getUsage({ ...filter, pageSize: first, ...(after ? { after } : {}) });
    try {
      const step = await pages.next();
      if (step.done) throw new Error('The API returned no page.');
      return step.value;
    } finally {
      await pages.return?.(undefined);
    }
  });
}

/**
 * Buckets of one resource over a range.
 * @example await getTimeSeries({ resourceType: 'BANDWIDTH_UPLOAD', granularity: 'HOUR', range, backend: 'photos' })
 */
export function getTimeSeries(args: {
  resourceType: ResourceType;
  granularity: Granularity;
  range: { from: string; to: string };
  timezone?: string;
  backend?: string;
}): Promise<SeriesPoint[]> {
  return read((c) => c.getTimeSeries(args));
}

/**
 * Computed and reported cost per backend for a calendar period (default this month) or a range, with the
 * month-end forecast.
 * @example await getCosts({ period: 'MONTH', timezone: 'Europe/Berlin' })
 */
export function getCosts(args: CostsVariables): Promise<CostReport> {
  return read((c) => c.getCosts(args));
}

/**
 * The cost of each day (see lib/cost-days.ts): day i is `costs(range: days[i])`, 16 days to a request (the
 * API refuses more than 20 aliases in one query by default), so a month is two requests, sent together.
 * @example await getDailyCosts(daysOf(report, 'UTC', Date.now()), 'UTC')
 */
export async function getDailyCosts(days: readonly DayRange[], timezone: string): Promise<DayCost[]> {
  const chunks: DayRange[][] = [];
  for (let i = 0; i < days.length; i += DAYS_PER_REQUEST) chunks.push(days.slice(i, i + DAYS_PER_REQUEST));
  const answers = await Promise.all(
    chunks.map(async (chunk) => {
      const document = gql<Record<string, DayCost>, Record<string, string | DayRange>>(dailyCostsQuery(chunk.length));
      const data = await read((c) => c.execute(document, dailyCostsVariables(chunk, timezone)));
      return chunk.map((_, i) => data[`d${i}`]!);
    }),
  );
  return answers.flat();
}

/**
 * The published templates a plan can start from (for the hint beside a backend without a plan).
 * @example (await getPricePlanTemplates()).map((t) => t.name)
 */
export function getPricePlanTemplates(): Promise<PricePlanTemplate[]> {
  return read((c) => c.getPricePlanTemplates());
}
