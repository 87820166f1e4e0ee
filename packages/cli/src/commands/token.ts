import { parseArgs } from 'node:util';
import { openTokenStore, ValidationError } from '@bytemeter/tracker';
import { localDatabase } from '../args.js';
import { TOKEN_HELP } from '../help.js';
import { databaseOptions } from '../source/open-target.js';
import { renderTable } from '../table.js';

/**
 * `bytemeter token create|list|revoke`: API bearer tokens, stored hashed in the database the API serves.
 * The secret is printed once, at creation.
 * @example await tokenCommand(['create', '--scopes', 'read', '--db', './usage.db'], process.env)
 */
export async function tokenCommand(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const [action, ...rest] = positionals;
  const store = await openTokenStore(await databaseOptions(localDatabase(values.db, env)));
  try {
    switch (action) {
      case 'create': {
        if (!values.scopes)
          throw new ValidationError('INVALID_SCOPE', 'token create needs --scopes, e.g. --scopes read,ingest');
        const token = await store.create({ scopes: values.scopes, name: values.name });
        if (values.json) return JSON.stringify(token, null, 2);
        return [
          `Created token ${token.id}${token.name ? ` "${token.name}"` : ''} with scopes ${token.scopes.join(',')}.`,
          'Its secret is shown only now; only its hash is stored:',
          '',
          `  ${token.secret}`,
          '',
          `Send it as: Authorization: Bearer ${token.secret}`,
        ].join('\n');
      }
      case 'list': {
        const tokens = await store.list();
        if (values.json) return JSON.stringify(tokens, null, 2);
        if (tokens.length === 0) return 'No API tokens: the API serves loopback only, without authentication.';
        return renderTable(
          ['ID', 'NAME', 'SCOPES', 'CREATED', 'REVOKED'],
          tokens.map((t) => [String(t.id), t.name ?? '', t.scopes.join(','), t.createdAt, t.revokedAt ?? '']),
        );
      }
      case 'revoke': {
        const id = Number(rest[0]);
        if (rest.length !== 1 || !Number.isSafeInteger(id) || id < 1) {
          throw new ValidationError(
            'INVALID_OPTION',
            'token revoke needs one token id, e.g. `bytemeter token revoke 3`.',
          );
        }
        if (!(await store.revoke(id))) throw new ValidationError('INVALID_OPTION', `No active token has id ${id}.`);
        return `Revoked token ${id}; requests with it are refused from now on.`;
      }
      default:
        throw new ValidationError('INVALID_OPTION', `Unknown token action "${action ?? ''}".\n${TOKEN_HELP}`);
    }
  } finally {
    await store.close();
  }
}
