/**
 * The versioned SQLite schema. A migration is never edited once released: later changes append a new version.
 * `qsync_meta.schema_version` holds the version a database is at; `migrate` (migrate.ts) applies what is missing.
 * Dates are UTC ISO-8601 text (`2020-02-11T03:44:39.000Z`), booleans 0/1, JSON as text.
 */

/** One schema version: the statements that bring version − 1 to it. */
export interface Migration {
  version: number;
  description: string;
  statements: readonly string[];
}

/** Every schema version, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'surveys, columns, responses, answers, in-progress, sync state and runs',
    statements: [
      `CREATE TABLE IF NOT EXISTS qsync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE surveys (
        survey_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        is_active BOOLEAN,
        created_at TEXT,
        modified_at TEXT,
        response_count_auditable INTEGER,
        response_count_generated INTEGER,
        response_count_deleted INTEGER,
        long_answers BOOLEAN NOT NULL DEFAULT 0,
        table_name TEXT NOT NULL UNIQUE,
        first_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE survey_columns (
        survey_id TEXT NOT NULL REFERENCES surveys (survey_id),
        column_key TEXT NOT NULL,
        position INTEGER NOT NULL,
        export_tag TEXT NOT NULL,
        import_id TEXT,
        question_id TEXT,
        question_type TEXT,
        choice_id TEXT,
        label TEXT,
        is_metadata BOOLEAN NOT NULL DEFAULT 0,
        sql_name TEXT NOT NULL,
        sql_type TEXT,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (survey_id, column_key),
        UNIQUE (survey_id, sql_name)
      )`,
      // row_id links a response to its wide-table row (same row_id there): the wide tables need no index of their
      // own on response_id, which halves the random B-tree writes of a bulk load (see wideTableDdl). Explicit, so
      // that VACUUM keeps it.
      `CREATE TABLE responses (
        row_id INTEGER PRIMARY KEY,
        survey_id TEXT NOT NULL REFERENCES surveys (survey_id),
        response_id TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        recorded_date TEXT,
        last_modified_date TEXT,
        status INTEGER,
        progress REAL,
        duration REAL,
        finished BOOLEAN,
        distribution_channel TEXT,
        user_language TEXT,
        ip_address TEXT,
        external_reference TEXT,
        recipient_email TEXT,
        recipient_first_name TEXT,
        recipient_last_name TEXT,
        latitude REAL,
        longitude REAL,
        values_json TEXT NOT NULL,
        labels_json TEXT,
        row_hash TEXT NOT NULL,
        synced_at TEXT NOT NULL,
        deleted_at TEXT,
        UNIQUE (survey_id, response_id)
      )`,
      `CREATE TABLE answers (
        survey_id TEXT NOT NULL,
        response_id TEXT NOT NULL,
        column_key TEXT NOT NULL,
        import_id TEXT,
        value TEXT,
        label TEXT,
        PRIMARY KEY (survey_id, response_id, column_key),
        FOREIGN KEY (survey_id, response_id) REFERENCES responses (survey_id, response_id)
      )`,
      `CREATE TABLE in_progress_responses (
        survey_id TEXT NOT NULL REFERENCES surveys (survey_id),
        response_id TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        recorded_date TEXT,
        last_modified_date TEXT,
        status INTEGER,
        progress REAL,
        duration REAL,
        finished BOOLEAN,
        distribution_channel TEXT,
        user_language TEXT,
        ip_address TEXT,
        external_reference TEXT,
        recipient_email TEXT,
        recipient_first_name TEXT,
        recipient_last_name TEXT,
        latitude REAL,
        longitude REAL,
        values_json TEXT NOT NULL,
        labels_json TEXT,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (survey_id, response_id)
      )`,
      `CREATE TABLE sync_state (
        survey_id TEXT PRIMARY KEY REFERENCES surveys (survey_id),
        continuation_token TEXT,
        continuation_token_at TEXT,
        pending_progress_id TEXT,
        pending_started_at TEXT,
        pending_params TEXT,
        high_water_mark TEXT,
        last_success_at TEXT,
        last_run_id INTEGER,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE sync_runs (
        run_id INTEGER PRIMARY KEY AUTOINCREMENT,
        survey_id TEXT,
        kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        inserted INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        restored INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        request_id TEXT
      )`,
      `CREATE INDEX sync_runs_survey ON sync_runs (survey_id, run_id)`,
    ],
  },
];

/** The schema version this build writes. A database at a higher version is refused. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;
