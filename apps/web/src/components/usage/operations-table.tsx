import { formatBytes, formatInstant } from '@/lib/format';
import type { OperationRow } from '@/lib/operations';

function bytesCell(n: number, signed = false): string {
  if (n === 0) return '';
  return signed && n > 0 ? `+${formatBytes(n)}` : n < 0 ? `−${formatBytes(-n)}` : formatBytes(n);
}

/** The parts in one line each, for the row's tooltip and the expandable list. */
function partLine(e: OperationRow['parts'][number]): string {
  return `${e.resourceType.toLowerCase()} ${e.formattedAmount}${e.success ? '' : ' (failed)'}${e.path ? ` ${e.path}` : ''}`;
}

/**
 * Operations newest first, one row per operation id: its name, bytes each way, storage change, outcome
 * (a failure with its reason) and duration. The events it is made of open under its name (a native
 * <details>, so without JavaScript too) and show in the row's tooltip.
 */
export function OperationsTable({ operations, timeZone }: { operations: OperationRow[]; timeZone: string }) {
  return (
    <div className="table-wrap">
      <table data-testid="operations-table">
        <thead>
          <tr>
            <th scope="col">Time ({timeZone})</th>
            <th scope="col">Operation</th>
            <th scope="col" className="num">
              Uploaded
            </th>
            <th scope="col" className="num">
              Downloaded
            </th>
            <th scope="col" className="num">
              Stored
            </th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Path</th>
          </tr>
        </thead>
        <tbody>
          {operations.map((o) => (
            <tr
              key={o.key}
              className={o.success ? undefined : 'failed'}
              data-operation-id={o.key}
              title={o.parts.map(partLine).join('\n')}
            >
              <td>{formatInstant(o.timestamp, timeZone, true)}</td>
              <td data-col="operation">
                {o.parts.length > 1 ? (
                  <details>
                    <summary data-name>{o.name}</summary>
                    <ul className="parts">
                      {o.parts.map((e) => (
                        <li key={e.id}>{partLine(e)}</li>
                      ))}
                    </ul>
                  </details>
                ) : (
                  <span data-name>{o.name}</span>
                )}
              </td>
              <td className="num" data-col="up" data-amount={o.up}>
                {bytesCell(o.up)}
              </td>
              <td className="num" data-col="down" data-amount={o.down}>
                {bytesCell(o.down)}
              </td>
              <td className="num" data-col="stored" data-amount={o.stored}>
                {bytesCell(o.stored, true)}
              </td>
              <td data-col="result">
                {o.success ? (
                  'ok'
                ) : (
                  <>
                    <span className="badge fail">failed</span>
                    {o.reason ? ` ${o.reason}` : ''}
                  </>
                )}
              </td>
              <td className="num">{o.durationMs === null ? '' : `${o.durationMs} ms`}</td>
              <td style={{ maxWidth: '22rem', overflow: 'hidden', textOverflow: 'ellipsis' }}>{o.path ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
