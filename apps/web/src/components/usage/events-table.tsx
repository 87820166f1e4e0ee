import Link from 'next/link';
import { formatInstant } from '@/lib/format';
import { operationNameOf } from '@/lib/operations';
import type { UsageEvent } from '@/lib/types';

/** Events newest first, each with its operation's name; a failed event is marked in words and colour. */
export function EventsTable({ events, timeZone }: { events: UsageEvent[]; timeZone: string }) {
  return (
    <div className="table-wrap">
      <table data-testid="events-table">
        <thead>
          <tr>
            <th scope="col">Time ({timeZone})</th>
            <th scope="col">Backend</th>
            <th scope="col">Operation</th>
            <th scope="col">Resource</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Path</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} className={e.success ? undefined : 'failed'} data-event-id={e.id}>
              <td>{formatInstant(e.timestamp, timeZone, true)}</td>
              <td>
                <Link href={`/backends/${encodeURIComponent(e.backend)}`}>{e.backend}</Link>
              </td>
              {/* The call's name; its events share an operation id, its tooltip (the backend page groups them). */}
              <td data-col="operation" title={e.operationId ? `operation ${e.operationId}` : undefined}>
                {operationNameOf(e)}
              </td>
              <td>{e.resourceType}</td>
              <td className="num" data-col="amount" data-amount={e.amount}>
                {e.formattedAmount}
              </td>
              <td>{e.success ? 'ok' : <span className="badge fail">failed</span>}</td>
              <td className="num">{e.durationMs === null ? '' : `${e.durationMs} ms`}</td>
              <td style={{ maxWidth: '22rem', overflow: 'hidden', textOverflow: 'ellipsis' }}>{e.path ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
