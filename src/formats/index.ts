/**
 * Streaming parsers for Qualtrics response exports: unzip, decoding, CSV/TSV dialects, JSON/NDJSON, SPSS, the
 * column map, value typing, and writers for converted output.
 */

export {
  buildColumnMap,
  isTextName,
  metadataOfImportId,
  metadataOfName,
  parseQuestionImportId,
} from './column-map.ts';
export { detectNewline, type Newline, parseDelimitedRows } from './csv-rows.ts';
export { decodeText, detectEncoding, type TextEncodingName } from './decode.ts';
export {
  detectDialect,
  headerRowCount,
  type ImportIdCell,
  parseJsonImportId,
  parsePythonImportId,
} from './dialect.ts';
export { asExportFileError, ExportFileError } from './errors.ts';
export { type ExportFile, openExport, openExportSource } from './open-export.ts';
export { type SafeFileNameOptions, safeFileName } from './safe-file-name.ts';
export { detectFormat, formatFromName } from './sniff.ts';
export { type ExportSource, isDataEntryName, listZipEntries, onePassSource, openSource, type ZipListingWords } from './source.ts';
export { isValidTimeZone, localDateToIso, wallTimeToUtc, ZoneOffsets } from './time-zone.ts';
export type {
  ColumnInfo,
  ColumnMap,
  Dialect,
  ExportFormat,
  ExportRecord,
  MetadataField,
  OpenExportOptions,
  TypedValue,
} from './types.ts';
export {
  parseBoolean,
  parseLosslessNumber,
  STATUS_CODES,
  statusCodeOf,
  type TypingOptions,
  typeCell,
  typeJsonValue,
} from './typing.ts';
export {
  csvField,
  csvHeaderLine,
  csvLine,
  type OutputFormat,
  recordToCsvLine,
  recordToNamedObject,
  recordToNdjsonLine,
  valueToText,
  writeRecords,
} from './writers.ts';
