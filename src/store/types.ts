/**
 * The store's own input and output shapes. The sync engine adapts parsed export records to these; the store never
 * depends on the parsers (src/formats) or the client (src/client).
 */

/**
 * Logical SQL type of a wide-table column, ordered by the lattice of {@link widen}:
 * `boolean` → `integer` → `real` → `text`; `timestamp` → `text`; `json` → `text`.
 */
export type SqlType = 'boolean' | 'integer' | 'real' | 'timestamp' | 'json' | 'text';

/** One cell: JSON-like. Arrays and objects come from JSON/NDJSON exports (multi-select, display order). */
export type StoreValue = string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

/** One column of a survey's export, as the sync engine describes it. */
export interface StoreColumn {
  /**
   * Stable unique key records use for this column (the parser's ImportId-based key, e.g. `QID12_3_TEXT`,
   * `QID5#1`). The SQL column name chosen for a key never changes once stored.
   */
  key: string;
  /** Header row 1 as exported (`Q1`, `Q3_2_TEXT`); any text, may repeat across columns. */
  exportTag: string;
  /** The column's ImportId (`QID12_3_TEXT`, `startDate`), or null when the export has none. */
  importId?: string | null;
  /** Question id (`QID12`), else null. */
  questionId?: string | null;
  /** Qualtrics question type (`MC`, `TE`, `Matrix`…), when the engine knows it. */
  questionType?: string | null;
  /** Choice id of a multi-select choice column, else null. */
  choiceId?: string | null;
  /** Header row 2 (question text / label), else null. */
  label?: string | null;
  /** True for response metadata (dates, status, progress…): left out of the long-form `answers` table. */
  isMetadata?: boolean;
  /**
   * Lower bound for the column's type, e.g. `text` for text-entry columns or `timestamp` for dates. With a hint the
   * column is created at once; without one it is created when its first non-null value arrives (typed from it).
   */
  sqlType?: SqlType | null;
}

/** Typed response metadata, kept in typed columns of `responses`. Every field is optional (null = unknown). */
export interface ResponseMeta {
  /** UTC ISO-8601 (`2020-02-11T03:44:39.000Z`), as all dates here. */
  startDate?: string | null;
  endDate?: string | null;
  recordedDate?: string | null;
  lastModifiedDate?: string | null;
  /** Numeric response type (0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported, 8 Spam, 16 Offline…). */
  status?: number | null;
  /** Percent complete, 0–100. */
  progress?: number | null;
  /** Seconds. */
  duration?: number | null;
  finished?: boolean | null;
  /** `anonymous`, `email`, `preview`… */
  distributionChannel?: string | null;
  /** `EN`, `DE`… */
  userLanguage?: string | null;
  ipAddress?: string | null;
  externalReference?: string | null;
  recipientEmail?: string | null;
  recipientFirstName?: string | null;
  recipientLastName?: string | null;
  /** Degrees. */
  latitude?: number | null;
  longitude?: number | null;
}

/** One response to store. */
export interface StoreRecord {
  /** `R_…` (or `FS_…` for in-progress responses). Non-empty. */
  responseId: string;
  /** Cells keyed by {@link StoreColumn.key}; a key missing here is null. Every key must be in the layout. */
  values: Readonly<Record<string, StoreValue>>;
  /** Choice labels keyed like `values` (label exports / JSON `labels`), when known. */
  labels?: Readonly<Record<string, StoreValue>> | null;
  meta: ResponseMeta;
}

/** A column as stored: its export description plus the SQL column chosen for it. */
export interface LayoutColumn extends StoreColumn {
  /** SQL column name in the wide table (unquoted text; always quoted when used in SQL). */
  sqlName: string;
  /** Current logical type; null while no value has been seen (the column is not yet in the wide table). */
  sqlType: SqlType | null;
  /** 0-based order of first appearance. */
  position: number;
}

/** The column map of one survey and its wide table: a snapshot (types may widen later). */
export interface Layout {
  surveyId: string;
  /** Wide table name, e.g. `responses_customer_feedback` (unquoted text). */
  tableName: string;
  columns: readonly LayoutColumn[];
}

/** A survey as the sync engine saves it (from `GET /surveys/{id}`). */
export interface SurveyInfo {
  /** `SV_…` */
  id: string;
  name: string;
  active?: boolean | null;
  /** UTC ISO-8601. */
  createdAt?: string | null;
  modifiedAt?: string | null;
  /** `responseCounts` of the survey, when known. */
  responseCounts?: { auditable?: number | null; generated?: number | null; deleted?: number | null } | null;
  /** Keep long-form rows in `answers` for this survey. Default: unchanged (false for a new survey). */
  longAnswers?: boolean;
}

/** A saved survey. */
export interface StoredSurvey {
  id: string;
  name: string;
  active: boolean | null;
  createdAt: string | null;
  modifiedAt: string | null;
  responseCounts: { auditable: number | null; generated: number | null; deleted: number | null };
  longAnswers: boolean;
  /** Wide table name, chosen once from the first name and kept. */
  tableName: string;
  firstSeenAt: string;
  updatedAt: string;
}
