/**
 * Shapes shared by every export parser: formats, dialects, the column map and the typed record.
 */

/** The file formats a Qualtrics response export can come in (the `format` of export-responses). */
export type ExportFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'sav' | 'xml';

/**
 * How the header of a CSV/TSV export is laid out.
 * - `current`: three header rows; row 3 is JSON `{"ImportId":…}` per column (export-responses API, 2018+).
 * - `insights`: three header rows; row 3 is a Python-style `{'ImportId': …}` literal (2016–18 exports).
 * - `legacy`: two header rows, the first starting `V1…V10` (retired pre-Insights exports).
 * - `importid-tags`: two header rows, the first holding ImportIds (`startDate`, `_recordId`, `1_QID5_1`), as in
 *   2016 API TSV exports.
 * - `single-header`: one header row of column names (files re-saved by other tools).
 * - `json`, `ndjson`, `sav`: not header-based; their column map is built from the data or the file dictionary.
 * - `none`: xml, a file-only format whose records are not parsed.
 */
export type Dialect =
  | 'current'
  | 'insights'
  | 'legacy'
  | 'importid-tags'
  | 'single-header'
  | 'json'
  | 'ndjson'
  | 'sav'
  | 'none';

/** A typed cell value. Arrays and objects only come from JSON/NDJSON exports (e.g. `QID1_DO`, multi-select). */
export type TypedValue = string | number | boolean | null | TypedValue[] | { [key: string]: TypedValue };

/** The canonical metadata fields that get special typing (names as in the export-responses ImportIds). */
export type MetadataField =
  | 'startDate'
  | 'endDate'
  | 'recordedDate'
  | 'lastModifiedDate'
  | 'status'
  | 'ipAddress'
  | 'progress'
  | 'duration'
  | 'finished'
  | '_recordId'
  | 'responseSetId'
  | 'recipientLastName'
  | 'recipientFirstName'
  | 'recipientEmail'
  | 'externalDataReference'
  | 'locationLatitude'
  | 'locationLongitude'
  | 'locationAccuracy'
  | 'distributionChannel'
  | 'userLanguage';

/** One column of an export, as described by its header rows (or by the JSON keys / SPSS dictionary). */
export interface ColumnInfo {
  /** 0-based position in the file (JSON/NDJSON: order of first appearance). */
  index: number;
  /**
   * Stable unique key that records use for this column: the ImportId, plus `#choiceId` when the header gives one,
   * plus `~2`, `~3`… when an earlier column already has that key. Files without ImportIds use the export tag
   * de-duplicated the same way; SPSS uses the variable name.
   */
  key: string;
  /** Unique, human-facing column name for converted output: the export tag, de-duplicated as `Q1`, `Q1_2`…. */
  name: string;
  /** Header row 1 as written (may repeat across columns). */
  exportTag: string;
  /** Header row 2 (question text / label), or the SPSS variable label; null when the file has none. */
  label: string | null;
  /** The column's ImportId (`QID12_3_TEXT`, `startDate`…), or null when the file has none (legacy, single-header). */
  importId: string | null;
  /** `choiceId` of the ImportId row (multi-select choice columns), else null. */
  choiceId: string | null;
  /** IANA zone named in the ImportId row (date columns of current exports), else null. */
  timeZone: string | null;
  /** True for the extra label columns of `includeLabelColumns` exports. */
  isLabelsColumn: boolean;
  /** Question id derived from the ImportId (`QID12` from `QID12_3_TEXT` or `2_QID12_1`), else null. */
  questionId: string | null;
  /** Loop-and-merge iteration prefix (`2` in `2_QID5_1`), else null. */
  loopId: string | null;
  /** What follows the question id in the ImportId (`3_TEXT`, `NPS_GROUP`, `#1-1`), else null. */
  part: string | null;
  /** Canonical metadata field this column holds, else null (answers, embedded data). */
  metadata: MetadataField | null;
  /** True for text-entry columns (`_TEXT`/`-TEXT` suffix): their values are never coerced to numbers. */
  isText: boolean;
  /** SPSS value labels (value → label), when the file defines any for this variable. */
  valueLabels?: Record<string, string>;
}

/** The columns of an export in file order. For JSON/NDJSON it grows as new keys are seen. */
export interface ColumnMap {
  dialect: Dialect;
  /** Number of header rows consumed before the first record (0 for json/ndjson/sav). */
  headerRows: number;
  columns: ColumnInfo[];
}

/**
 * One response, typed.
 *
 * - `values` is keyed by {@link ColumnInfo.key} (never by header text, which can repeat). Empty cells are `null`.
 *   Dates are UTC ISO-8601 strings with milliseconds (`2020-02-11T03:44:39.000Z`); `progress`, `duration` are
 *   numbers (percent, seconds); `finished` is a boolean; `status` is a number, or the label text in label
 *   exports; answers are numbers when the cell is a plain number written losslessly, else strings; text-entry
 *   columns stay strings.
 * - `statusCode` is the numeric response type (0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported, 8 Spam,
 *   16 Offline…) derived from `status` whether it was exported as a code or a label; null when unknown or absent.
 * - `labels`, `displayedFields`, `displayedValues` are copied from JSON/NDJSON exports (absent for other formats).
 * - `raw` holds the CSV/TSV cells as read, only when `keepRaw` was asked for.
 */
export interface ExportRecord {
  /** `_recordId` / ResponseID of the response (`R_…`, or `FS_…` for in-progress ones); null when not exported. */
  responseId: string | null;
  /** 0-based ordinal of the record in the file. */
  index: number;
  values: Record<string, TypedValue>;
  statusCode: number | null;
  labels?: Record<string, TypedValue>;
  displayedFields?: TypedValue[];
  displayedValues?: Record<string, TypedValue>;
  raw?: string[];
}

/** Options for reading an export. */
export interface OpenExportOptions {
  /** Force a format instead of detecting it from the entry name and content. */
  format?: ExportFormat;
  /**
   * IANA zone of the export's local dates, used for date columns whose ImportId row names no zone (the export's
   * `timeZone` option). Default `UTC`.
   */
  timeZone?: string;
  /** The export was made with `formatDecimalAsComma`: `3,5` is read as 3.5. Default false. */
  decimalComma?: boolean;
  /** Keep each CSV/TSV row's cells as read in {@link ExportRecord.raw}. Default false. */
  keepRaw?: boolean;
}
