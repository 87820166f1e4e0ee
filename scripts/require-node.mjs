// Imported first by every vitest config and the e2e runner: a test started directly on an old Node
// (`pnpm --filter … test` with Node 20 on PATH, bypassing scripts/run.mjs) stops here with one clear
// line, instead of better-sqlite3 crashing or vitest failing to start with an unrelated message.
const MIN_NODE_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_NODE_MAJOR) {
  console.error(
    `✖ bytemeter needs Node.js ${MIN_NODE_MAJOR} or newer (24 LTS recommended); this is ${process.version}.\n` +
      '  Run `npm test` from the repository root: it fetches Node 24 into ~/.cache/bytemeter and runs there.',
  );
  process.exit(1);
}
