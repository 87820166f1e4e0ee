// Every help text, in a module that imports nothing, so `--help` and flag errors start instantly.

export const USAGE_HELP = `  bytemeter usage [--period hour|day|week|month] [--at TIME | --from TIME [--to TIME]] [--backend N] [--type T] [--timezone Z] [--json]
      totals per backend and resource for the period holding --at (default now), or from --from to --to
      (default now), in the zone (default: this machine's)`;

export const DETAILS_HELP = `  bytemeter details [--hours 24 | --from TIME] [--to TIME] [--resource R] [--backend N] [--type T] [--limit 100] [--timezone Z] [--json]
      individual events of the last --hours (or --from → --to), newest first; times shown in --timezone if given`;

export const STATUS_HELP = `  bytemeter status [--backend N] [--json] [--watch [--interval 1000] [--count N]]
      health and why, error rate, bandwidth over the last 60 s and storage level per backend; --watch
      redraws the table in place every --interval ms (at least 250) until Ctrl-C`;

export const LIVE_HELP = `  bytemeter live [--backend N] [--interval 1000] [--count N] [--json]
      bytes moved and Mbps each interval (ms, at least 250), live from the database or --endpoint, until Ctrl-C`;

export const EXPORT_HELP = `  bytemeter export [--hours 168 | --from TIME] [--to TIME] [--timezone Z] [--format json|csv|ndjson] [--backend N] [--output FILE] [--progress|--no-progress]
      raw events oldest first, streamed (flat memory); to stdout without --output; a progress bar on stderr
      for long exports to a file on a terminal`;

export const TRACK_HELP = `  bytemeter track upload|download <backend> <type> <bytes>      e.g. track upload photos s3 5MiB
  bytemeter track storage <backend> <type> <delta-bytes> [--level]   signed; --level: the absolute level
  bytemeter track api-call <backend> <type>
  bytemeter track cost <backend> <type> <cents>                  e.g. track cost photos s3 0.25
      options: [--path P] [--operation-id ID] [--id KEY] [--at TIME] [--failed] [--duration-ms N] [--metadata JSON]
      --id KEY: the idempotency key (locally a random one by default); the same KEY again is a duplicate`;

export const COST_HELP = `  bytemeter cost [--period hour|day|week|month] [--at TIME | --from TIME [--to TIME]] [--backend N] [--timezone Z] [--json]
      each backend's usage priced by its price plan, per resource (units, cost), beside the cost the
      application reported itself (trackCost); totals and the month-end forecast with its method. Default:
      this month in the zone (default: this machine's); usage is priced up to now`;

export const PLAN_HELP = `  bytemeter plan set <backend> (--file plan.json|plan.yaml | --template NAME) [--timezone Z] [--effective-from TIME]
      stores a price plan (admin scope through --endpoint). The file holds timezone, template, effectiveFrom
      and prices: [{ resource: download, tiers: [{ upTo: 1, pricePerUnit: 0 }, { pricePerUnit: 0.09 }] }];
      resources upload, download (per GiB), storage (per GiB-month), api_calls_class_a|b|unclassified (per
      call), monthly_fee; a template's resources not listed keep its prices. Flags override the file; the
      billing month is the calendar month in --timezone (default UTC); --effective-from starts a later plan
  bytemeter plan show [backend] [--json]
  bytemeter plan templates [--json]      published price tables (AWS S3, Cloudflare R2) with their sources
  bytemeter plan delete <backend>        every plan of the backend`;

export const TOKEN_HELP = `  bytemeter token create --scopes read,ingest,admin [--name N] [--json]
  bytemeter token list [--json]
  bytemeter token revoke <id>`;

export const COPY_HELP = `  bytemeter copy --to postgres://USER@HOST:5432/DB [--db PATH] [--progress|--no-progress] [--json]
      moves the SQLite file (--db, default $BYTEMETER_DB, else ~/.bytemeter/tracker.db) into an empty
      PostgreSQL database: backends, raw events still kept, rollups of all history, storage levels,
      idempotency keys and API tokens (hashes, scopes, revocations; secrets are never stored). Resumable: run it
      again after a stop (Ctrl-C, a crash) to continue; a finished copy run again only checks it. Stop the
      writers of the file first; it ends by checking counts and sums of every table on both stores`;

export const BUDGET_HELP = `  bytemeter budget list [--json]
  bytemeter budget set --name N --metric cost|upload|download|calls|storage --limit L [--backend N] [--timezone Z]
                       [--thresholds 50,80,100] [--no-forecast] [--webhook URL] [--id ID] [--json]
      a monthly limit (dollars for cost, e.g. 200; bytes for upload, download and storage, e.g. 500GiB; calls)
      for one backend or all; storage is a quota on the level. --id replaces that budget. A new --webhook
      prints its signing secret once
  bytemeter budget rotate-secret <id> [--json]
      a new webhook signing secret, printed once; attempts started after the rotation are signed with it
      (queued alerts and retries too; one already under way may still carry the old one)
  bytemeter budget delete <id>`;

export const ALERTS_HELP = `  bytemeter alerts [--limit 50] [--follow [--count N]] [--json]
      the last --limit budget alerts, oldest first; --follow keeps printing new ones, from any process, until
      Ctrl-C (or --count new ones). --json: an array newest first; with --follow one JSON object a line`;

export const HELP = `bytemeter — what your application spends on storage backends

Usage:
${USAGE_HELP}
${DETAILS_HELP}
${STATUS_HELP}
${LIVE_HELP}
${EXPORT_HELP}
${COST_HELP}
${PLAN_HELP}
${TRACK_HELP}
${TOKEN_HELP}
${COPY_HELP}
${BUDGET_HELP}
${ALERTS_HELP}

Global flags:
  --db PATH|URL    local SQLite file or postgres:// URL (default $BYTEMETER_DATABASE_URL, else $BYTEMETER_DB,
                   else ~/.bytemeter/tracker.db)
  --endpoint URL   ask a bytemeter server instead (default $BYTEMETER_ENDPOINT), e.g. http://127.0.0.1:4000
  --token T        API token for --endpoint (default $BYTEMETER_TOKEN)
  --json           machine-readable output

TIME (--from, --to): 2026-11-27T10:00:00Z (with an offset), 2026-11-27 or 2026-11-27T10:00 (in --timezone,
  default this machine's zone), today, yesterday, now, or relative: -30m, -6h, -7d, -2w
  --help           this text, or one command's with \`bytemeter <command> --help\`

Exit codes: 0 ok · 1 failure · 2 bad usage or input (nothing changed) · 3 server unreachable · 4 token missing or refused ·
  5 a write's outcome unknown (connection lost): check before recording again`;

/** Each command's own help. */
export const COMMAND_HELP: Record<string, string> = {
  usage: USAGE_HELP,
  details: DETAILS_HELP,
  status: STATUS_HELP,
  live: LIVE_HELP,
  export: EXPORT_HELP,
  cost: COST_HELP,
  plan: PLAN_HELP,
  track: TRACK_HELP,
  token: TOKEN_HELP,
  copy: COPY_HELP,
  budget: BUDGET_HELP,
  alerts: ALERTS_HELP,
};
