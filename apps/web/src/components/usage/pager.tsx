import Link from 'next/link';
import { formatCount } from '@/lib/format';
import { first } from '@/lib/time-zones';
import type { UsageEventConnection } from '@/lib/types';

/** Where a page of the explorer starts: the URL's paging words, decoded. */
export interface PagePosition {
  after?: string;
  before?: string;
  /** The page of the oldest events. */
  last: boolean;
  /** Index of the page's first event, carried in the URL for the label (cursors do the paging). */
  pos: number;
}

type Params = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => first(v) || undefined;

/** The paging words of the URL; anything odd falls back to the first page. */
export function parsePagePosition(params: Params): PagePosition {
  const after = one(params.after);
  const before = after ? undefined : one(params.before);
  const pos = Number(one(params.pos));
  return {
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
    last: !after && !before && one(params.page) === 'last',
    pos: Number.isSafeInteger(pos) && pos > 0 ? pos : 0,
  };
}

/**
 * First / previous / next / last links (not prefetched: each is a page rendered per request) over stable keyset cursors: a page's neighbours stay its neighbours
 * when new events land. "Last" asks the API for the oldest page directly (no walking through the pages).
 */
export function Pager({
  page,
  at,
  pageSize,
  base,
}: {
  page: UsageEventConnection;
  at: PagePosition;
  pageSize: number;
  base: URLSearchParams;
}) {
  const shown = page.nodes.length;
  const total = page.totalCount;
  let start = at.pos;
  if (at.last) start = Math.max(0, total - shown);
  if (!page.pageInfo.hasPreviousPage) start = 0;
  const href = (extra: Record<string, string>) => {
    const q = new URLSearchParams(base);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `/usage?${q}`;
  };
  const { hasPreviousPage, startCursor, hasNextPage, endCursor } = page.pageInfo;
  const aligned = start % pageSize === 0;
  return (
    <nav className="pager" aria-label="Pages">
      {hasPreviousPage && startCursor ? (
        <>
          <Link className="button secondary" href={href({})} rel="first" prefetch={false}>
            « First
          </Link>
          <Link
            className="button secondary"
            href={href({ before: startCursor, pos: String(Math.max(0, start - pageSize)) })}
            rel="prev"
            prefetch={false}
          >
            ← Previous
          </Link>
        </>
      ) : null}
      <span data-testid="page-label">
        {aligned ? `Page ${start / pageSize + 1}` : 'Page'}
        {shown > 0 ? ` · events ${start + 1}–${start + shown} of ${formatCount(total)}` : ''}
      </span>
      {hasNextPage && endCursor ? (
        <>
          <Link
            className="button secondary"
            href={href({ after: endCursor, pos: String(start + shown) })}
            rel="next"
            prefetch={false}
          >
            Next →
          </Link>
          <Link className="button secondary" href={href({ page: 'last' })} rel="last" prefetch={false}>
            Last »
          </Link>
        </>
      ) : null}
    </nav>
  );
}
