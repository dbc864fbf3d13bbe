/**
 * The typed, defaulted config the CLI works from, and the error listing every problem of a config file at once.
 */
import type { SurveyExportOptions } from './export-options.ts';

export type { SurveyExportOptions } from './export-options.ts';

/** One survey to sync, with its options resolved against `defaults` and `tables`. */
export interface SurveyConfig {
  /** `SV_…` */
  id: string;
  export: SurveyExportOptions;
  /** Keep long-form `answers` rows. */
  answers: boolean;
  /** Keep in-progress responses in their own table. */
  inProgress: boolean;
}

/** Connection settings, in the client's option names; absent ones fall back to the client's `QUALTRICS_*` env. */
export interface ConnectionConfig {
  dataCenter?: string;
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  apiToken?: string;
  scopes?: string | string[];
  rateShare?: number;
  maxRetries?: number;
  timeoutMs?: number;
  tokenCache?: string | false;
}

/** The whole config with defaults applied. */
export interface QsyncConfig {
  /** Absolute path of the file it came from, or null when no file was used (defaults and env only). */
  source: string | null;
  connection: ConnectionConfig;
  /** SQLite file path or `postgres://` URL. Default `qsync.db` (relative to the working directory). */
  db: string;
  /** `all` (every survey the user can see, with `defaults`) or an explicit list. Default `all`. */
  surveys: 'all' | SurveyConfig[];
  /** Options for surveys found through `all`. */
  defaults: Omit<SurveyConfig, 'id'>;
  /** Surveys synced at once. Default 4. */
  concurrency: number;
  /** Reconcile deletions every N runs of a survey; 0 = only with `--reconcile`. Default 10. */
  reconcileEvery: number;
  /** Responses per transaction. Default 50,000. */
  batchSize: number;
  /** Overlap of the last-modified window used when a continuation token is missing or expired (hours). Default 24. */
  overlapHours: number;
  /** Where export downloads are kept while loading; default the OS temp directory. */
  tmpDir: string | null;
}

/** One problem of a config file: where (`surveys[1].timeZone`, `line 4`) and what. */
export interface ConfigFileIssue {
  path: string;
  message: string;
}

/** An unusable config file; lists every problem at once. The CLI exits with code 2. */
export class ConfigFileError extends Error {
  // Named ConfigError so that the CLI maps it to exit code 2 like the client's configuration errors.
  override name = 'ConfigError';
  readonly exitCode = 2;
  readonly file: string | null;
  readonly issues: ConfigFileIssue[];

  constructor(file: string | null, issues: ConfigFileIssue[]) {
    const where = file ?? 'config';
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(`invalid config ${where}: ${issues.length === 1 ? '' : `${issues.length} problems: `}${list}`);
    this.file = file;
    this.issues = issues;
  }
}

/** Defaults of every setting, in one place. */
export const CONFIG_DEFAULTS = {
  db: 'qsync.db',
  concurrency: 4,
  reconcileEvery: 10,
  batchSize: 50_000,
  overlapHours: 24,
} as const;

/** File names looked for in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['qsync.config.yaml', 'qsync.config.yml', 'qsync.config.json'] as const;
