// Regenerates src/graphql/introspection.ts from apps/api/schema.graphql (configured in tsconfig.json's
// gql.tada plugin entry) and formats it like the rest of the repository.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync('pnpm', ['exec', 'gql-tada', 'generate', 'output'], { cwd: root, stdio: 'inherit' });
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', 'src/graphql/introspection.ts'], {
  cwd: root,
  stdio: 'inherit',
});
