#!/usr/bin/env node
// `npm start`: the API (BYTEMETER_API_PORT, default 4000) and the dashboard (BYTEMETER_WEB_PORT, default 3000)
// on BYTEMETER_DB (default ~/.bytemeter/tracker.db), until Ctrl-C. Expects a build (`pnpm -r build`).
import { startStack } from './stack.mjs';

const port = (name, fallback) => {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    console.error(`${name} must be a port number from 1 to 65535; got "${raw}".`);
    process.exit(2);
  }
  return value;
};

const stack = await startStack({
  apiPort: port('BYTEMETER_API_PORT', 4000),
  webPort: port('BYTEMETER_WEB_PORT', 3000),
  ...(process.env.BYTEMETER_DB ? { dbPath: process.env.BYTEMETER_DB } : {}),
}).catch((error) => {
  console.error(`✖ ${error.message}`);
  process.exit(1);
});
console.log(
  `\n  bytemeter dashboard  ${stack.webUrl}\n  GraphQL API          ${stack.apiUrl}/graphql\n\n  Ctrl-C stops both.\n`,
);
const shutdown = () => stack.stop().then(() => process.exit(0));
// A dead dashboard is not served on: say so and exit non-zero (the API restarts itself, see startStack).
stack.exited.then(async (reason) => {
  console.error(`✖ Stopping: ${reason}.`);
  await stack.stop();
  process.exit(1);
});
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
