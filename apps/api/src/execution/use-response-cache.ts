import type { ResourceTracker, SummaryQuery } from '@bytemeter/tracker';
import { type DocumentNode, type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../context.js';

/** Answers kept at most, over all documents; the cache starts over when full (memory stays bounded). */
const MAX_ENTRIES = 256;

/**
 * Answers whose JSON is longer than this (UTF-16 code units, bytes for ASCII) are served but not kept. A
 * bound per answer rather than on the cache's total bytes: with MAX_ENTRIES it caps what is kept at 16 MB
 * of JSON (plus the result objects, of similar size) with no accounting when the cache starts over, and the
 * answers the cache is for (summaries watched by dashboards) are a few KB, while an answer near the bound
 * costs little to compute again next to serialising it. Introspection (89 KB for graphql's full query) is
 * therefore executed each time, as it was before the cache.
 */
const MAX_ANSWER_CHARS = 64 * 1024;

/** A summary the kept answer was computed from, with its version read just before it was. */
interface Dependency {
  query: SummaryQuery;
  version: string;
}

interface Entry {
  dependencies: readonly Dependency[];
  /** The result as executed, with `stringify` answering its JSON from memory. */
  result: ExecutionResult;
  /**
   * Requests numbered up to this one (see `arrivals`) arrived before a check found every dependency's
   * version unchanged (or before the versions were read to compute the entry), so they may be served
   * without checking again.
   */
  validForArrivals: number;
  /** The check under way or about to start, if any. */
  checking?: Checking;
}

interface Checking {
  /** The arrivals it holds for: unset until it starts (every request joining before then arrived before it). */
  upTo: number | undefined;
  valid: Promise<boolean>;
}

/** What one execution read: summaries with their versions, or `cacheable: false` once it read anything else. */
interface Reads {
  cacheable: boolean;
  dependencies: Dependency[];
}

/**
 * The context a recorded execution sees: getResourceSummary notes the summary's version (read before the
 * summary, so a commit in between only makes the entry stale sooner); touching anything else of the tracker,
 * the backend statuses or the live hub marks the answer as not cacheable, since nothing tells when it changes.
 */
function recordingContext(ctx: ApiContext, reads: Reads): Partial<ApiContext> {
  const tracker = ctx.tracker;
  const getResourceSummary = async (query: SummaryQuery = {}) => {
    const version = await tracker.getSummaryVersion(query);
    if (version === null) reads.cacheable = false;
    else reads.dependencies.push({ query, version });
    return tracker.getResourceSummary(query);
  };
  const opaque = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === 'getResourceSummary' && t === (tracker as object)) return getResourceSummary;
        reads.cacheable = false;
        const value = Reflect.get(t, prop, t) as unknown;
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  const allStatuses = ctx.allStatuses;
  return {
    tracker: opaque(tracker),
    live: opaque(ctx.live),
    allStatuses: () => {
      reads.cacheable = false;
      return allStatuses();
    },
  };
}

/**
 * The same result with its JSON computed now, once, and its length (Yoga serialises through
 * `result.stringify` when present: over HTTP this is the serialisation it would have made anyway; over
 * WebSocket graphql-ws serialises its message itself, so a kept answer is serialised once more there). It
 * is computed before keeping, not lazily, because its length decides whether the answer is kept. Only
 * answers without errors come here, which Yoga serialises as they are.
 */
function withKeptJson(result: ExecutionResult & { stringify?: (r: unknown) => string }): {
  result: ExecutionResult;
  length: number;
} {
  const json = (result.stringify ?? JSON.stringify)(result);
  return { result: Object.assign({}, result, { stringify: () => json }), length: json.length };
}

/**
 * Query answers kept while nothing they were computed from changed: for dashboards where many viewers ask
 * the same thing, a repeated query skips execution and serialisation. An answer is kept only when every
 * tracker read of its execution was a summary (usageSummary); it is served again only to a caller with the
 * same token and scopes, for the same document, operation and variables, and only when each of its
 * summaries' versions (tracker.getSummaryVersion: any commit to the database, from any process, or the
 * clock reaching another period) is still the one read before computing it. So a served total is never
 * older than the last flush the caller could have seen, exactly as when executed. Auth, scopes and limits
 * run as for any request (this runs at execution, after them); results with errors are never kept.
 * Documents are keyed by identity: Yoga's parse cache hands back the same document for the same text.
 * @example plugins: [..., useScopes(), useResponseCache(), useCompiledExecution()]
 */
export function useResponseCache(): Plugin<ApiContext> {
  let kept = new WeakMap<DocumentNode, Map<string, Entry>>();
  let count = 0;
  /**
   * Requests numbered in the order they arrived (their headers were read). A version check started after
   * request n arrived saw every commit request n's caller could have seen, so its "unchanged" also holds
   * for every request numbered up to the count at its start: concurrent requests for one answer share one
   * check (a SQLite read transaction, a PostgreSQL round trip) instead of each making its own. Under load
   * the requests of one event-loop turn share a check (about 14 per check at 20 connections on SQLite).
   */
  let arrivals = 0;
  const arrivalOf = new WeakMap<Request, number>();
  // A failed check (a closed tracker) serves nothing: the execution then fails as it would have.
  const check = async (entry: Entry, tracker: ResourceTracker, checking: Checking) => {
    const upTo = arrivals;
    checking.upTo = upTo;
    try {
      for (const d of entry.dependencies) {
        if ((await tracker.getSummaryVersion(d.query)) !== d.version) return false;
      }
      if (upTo > entry.validForArrivals) entry.validForArrivals = upTo;
      return true;
    } catch {
      return false;
    } finally {
      if (entry.checking === checking) entry.checking = undefined;
    }
  };
  /**
   * Whether the entry may serve request number `arrival`: known to, or joining a check not yet started or
   * started after it arrived, or else a new check. A new check starts once the event loop has read what
   * had arrived (setImmediate runs after the poll phase), so the requests of one loop turn share it.
   */
  const stillValid = (entry: Entry, tracker: ResourceTracker, arrival: number): boolean | Promise<boolean> => {
    if (arrival <= entry.validForArrivals) return true;
    const under = entry.checking;
    if (under && (under.upTo === undefined || arrival <= under.upTo)) return under.valid;
    const checking: Checking = { upTo: undefined, valid: Promise.resolve(false) };
    checking.valid = new Promise((resolve) => setImmediate(() => resolve(check(entry, tracker, checking))));
    entry.checking = checking;
    return checking.valid;
  };
  return {
    onRequest({ request }) {
      arrivalOf.set(request, ++arrivals);
    },
    async onExecute({ args, setResultAndStopExecution, extendContext }) {
      const ctx = args.contextValue;
      if (getOperationAST(args.document, args.operationName ?? undefined)?.operation !== 'query') return;
      // Unknown (a request Yoga did not number, e.g. over WebSocket): as if it arrived now.
      const request = (ctx as Partial<{ request: Request }>).request;
      const arrival = (request && arrivalOf.get(request)) ?? ++arrivals;
      const computedFor = arrivals;
      const key = JSON.stringify([
        ctx.auth.tokenId,
        ctx.auth.scopes,
        args.operationName ?? null,
        args.variableValues ?? null,
      ]);
      const entry = kept.get(args.document)?.get(key);
      if (entry && (await stillValid(entry, ctx.tracker, arrival))) {
        setResultAndStopExecution(entry.result);
        return;
      }
      const reads: Reads = { cacheable: true, dependencies: [] };
      extendContext(recordingContext(ctx, reads));
      return {
        onExecuteDone({ result, setResult }) {
          // Looked up again: another request may have started the cache over meanwhile.
          let entries = kept.get(args.document);
          if (!reads.cacheable || Symbol.asyncIterator in result || result.errors?.length) {
            if (entries?.delete(key)) count--;
            return;
          }
          const { result: keep, length } = withKeptJson(result);
          setResult(keep);
          if (length > MAX_ANSWER_CHARS) {
            if (entries?.delete(key)) count--;
            return;
          }
          if (count >= MAX_ENTRIES) {
            kept = new WeakMap();
            count = 0;
            entries = undefined;
          }
          if (!entries) {
            entries = new Map();
            kept.set(args.document, entries);
          }
          if (!entries.has(key)) count++;
          // Versions were read after `computedFor` requests had arrived: the answer is as new as a check then.
          entries.set(key, { dependencies: reads.dependencies, result: keep, validForArrivals: computedFor });
        },
      };
    },
  };
}
