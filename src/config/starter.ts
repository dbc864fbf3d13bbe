/**
 * The commented starter config `qsync init` writes. It must parse with `parseConfig` as written (a test checks it),
 * with the `QUALTRICS_*` variables set.
 */

/** YAML starter config: every setting, commented, secrets taken from the environment. */
export const STARTER_CONFIG_YAML = `# qsync configuration: what to sync from Qualtrics, and where to.
# \${NAME} is replaced by the environment variable NAME (\${NAME:-default} when it may be unset), so secrets
# stay out of this file. Run "qsync sync" to sync; "qsync sync --help" lists the flags.

connection:
  # Data center of your account (iad1, fra1, sjc1, …), or a full baseUrl instead.
  dataCenter: \${QUALTRICS_DATA_CENTER:-}
  # OAuth client credentials (recommended) …
  clientId: \${QUALTRICS_CLIENT_ID:-}
  clientSecret: \${QUALTRICS_CLIENT_SECRET:-}
  # … or a legacy API token.
  # apiToken: \${QUALTRICS_API_TOKEN}
  # Share of the published rate limits qsync may use (0–1].
  # rateShare: 0.8

destination:
  # A SQLite file (created and migrated automatically), or postgres://user:\${PGPASSWORD}@host/database.
  db: qsync.db

# "all" syncs every survey you can see (with the defaults below), or list them:
surveys: all
# surveys:
#   - SV_1234567890abcde
#   - id: SV_abcdefghijklmno
#     useLabels: true            # choice text instead of recode values
#     questionIds: [QID1, QID2]  # only these questions
#     timeZone: Europe/Berlin    # zone of exported dates (stored as UTC either way)
#     filterId: FT_xxx           # a saved filter (re-exported whole on every run)
#     answers: true              # also keep long-form rows in the answers table
#     inProgress: true           # keep in-progress responses in their own table

# Export options for every survey (a survey's own entry wins).
# defaults:
#   useLabels: false

# Surveys synced at once, all under one rate budget.
concurrency: 4

# Look for deleted responses every N runs of a survey (0: only with --reconcile).
reconcileEvery: 10

tables:
  # Long-form answers table (survey, response, ImportId, value, label).
  answers: false
  # In-progress responses, removed when they complete.
  inProgress: false

# sync:
#   batchSize: 50000     # responses per transaction
#   overlapHours: 24     # overlap of the fallback window when a continuation token has expired
#   tmpDir: /var/tmp     # where export downloads wait while loading
`;

/** `${NAME:-}`: the variable's value, or unset when it is empty or missing. */
const env = (name: string) => `\${${name}:-}`;

/** JSON starter config (JSON has no comments: the YAML one is the documented form). */
export const STARTER_CONFIG_JSON = `${JSON.stringify(
  {
    connection: {
      dataCenter: env('QUALTRICS_DATA_CENTER'),
      clientId: env('QUALTRICS_CLIENT_ID'),
      clientSecret: env('QUALTRICS_CLIENT_SECRET'),
    },
    destination: { db: 'qsync.db' },
    surveys: 'all',
    concurrency: 4,
    reconcileEvery: 10,
    tables: { answers: false, inProgress: false },
  },
  null,
  2,
)}\n`;
