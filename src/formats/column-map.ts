/**
 * The column map: what each column of an export is (export tag ↔ ImportId ↔ question ↔ choice) and the stable
 * unique key its values are recorded under. Pure: header rows in, {@link ColumnMap} out.
 */

import { type ImportIdCell, parseJsonImportId, parsePythonImportId } from './dialect.ts';
import { isValidTimeZone } from './time-zone.ts';
import type { ColumnInfo, ColumnMap, Dialect, MetadataField } from './types.ts';

const METADATA_FIELDS: readonly MetadataField[] = [
  'startDate',
  'endDate',
  'recordedDate',
  'lastModifiedDate',
  'status',
  'ipAddress',
  'progress',
  'duration',
  'finished',
  '_recordId',
  'responseSetId',
  'recipientLastName',
  'recipientFirstName',
  'recipientEmail',
  'externalDataReference',
  'locationLatitude',
  'locationLongitude',
  'locationAccuracy',
  'distributionChannel',
  'userLanguage',
];
const METADATA_SET = new Set<string>(METADATA_FIELDS);

/** Header names (row 1 of single-header files, row 2 of legacy `V1…V10` columns) → metadata field. */
const NAMED_METADATA: Readonly<Record<string, MetadataField>> = {
  StartDate: 'startDate',
  EndDate: 'endDate',
  RecordedDate: 'recordedDate',
  LastModifiedDate: 'lastModifiedDate',
  Status: 'status',
  IPAddress: 'ipAddress',
  Progress: 'progress',
  'Duration (in seconds)': 'duration',
  Finished: 'finished',
  ResponseId: '_recordId',
  ResponseID: '_recordId',
  ResponseSet: 'responseSetId',
  RecipientLastName: 'recipientLastName',
  RecipientFirstName: 'recipientFirstName',
  RecipientEmail: 'recipientEmail',
  EmailAddress: 'recipientEmail',
  ExternalReference: 'externalDataReference',
  ExternalDataReference: 'externalDataReference',
  LocationLatitude: 'locationLatitude',
  LocationLongitude: 'locationLongitude',
  LocationAccuracy: 'locationAccuracy',
  DistributionChannel: 'distributionChannel',
  UserLanguage: 'userLanguage',
};

/**
 * Metadata field of an ImportId: current names as is (`startDate`, `_recordId`), Insights names normalised
 * (`responseId` → `_recordId`, `panel-RecipientEmail` → `recipientEmail`, `Location-LocationLatitude` →
 * `locationLatitude`). Null for questions and embedded data.
 */
export function metadataOfImportId(importId: string): MetadataField | null {
  if (importId === 'responseId') return '_recordId';
  const bare = importId.replace(/^(?:panel|Location)-/, '');
  const camel = bare.charAt(0).toLowerCase() + bare.slice(1);
  const field = bare === importId ? importId : camel;
  return METADATA_SET.has(field) ? (field as MetadataField) : null;
}

/** Metadata field of a header name (`StartDate`, `ResponseID`…), else null. */
export function metadataOfName(name: string): MetadataField | null {
  return NAMED_METADATA[name] ?? null;
}

const QUESTION = /^(?:(\d+)_)?(QID\d+)(?:([_#-])(.*))?$/;

/** Question id, loop-and-merge prefix and trailing part of an ImportId (`2_QID5_1` → QID5, loop 2, part 1). */
export function parseQuestionImportId(importId: string): {
  questionId: string | null;
  loopId: string | null;
  part: string | null;
} {
  const m = QUESTION.exec(importId);
  if (!m) return { questionId: null, loopId: null, part: null };
  const [, loop, qid, sep, rest] = m;
  const part = sep === undefined ? null : sep === '#' ? `#${rest}` : (rest ?? '');
  return { questionId: qid ?? null, loopId: loop ?? null, part: part === '' ? null : part };
}

/** True when the name marks a text-entry column (`QID4_TEXT`, `QID4-TEXT`, `Q5#1_1_1_TEXT`). */
export function isTextName(name: string): boolean {
  return /[_-]TEXT$/.test(name);
}

/** Makes `base` unique within `taken` by appending `~2`, `~3`…, and records it. */
function uniqueKey(taken: Set<string>, base: string): string {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}~${n}`;
  taken.add(candidate);
  return candidate;
}

/** A column of `dialect` described by its header cells, before keys and names are made unique. */
function describeColumn(dialect: Dialect, index: number, tag: string, label: string | null, id: ImportIdCell | null) {
  const importId = id?.ImportId ?? (dialect === 'importid-tags' ? tag : null);
  // Legacy V1…V10 say nothing; their row-2 label (ResponseID, StartDate…) is the useful name.
  const legacyLabel = dialect === 'legacy' && /^V\d+$/.test(tag) && label ? label : null;
  const legacyMeta = legacyLabel ? metadataOfName(legacyLabel) : null;
  const metadata = importId ? metadataOfImportId(importId) : (legacyMeta ?? metadataOfName(tag));
  const question = importId ? parseQuestionImportId(importId) : { questionId: null, loopId: null, part: null };
  return {
    index,
    exportTag: tag,
    label,
    importId,
    choiceId: id?.choiceId ?? null,
    timeZone: id?.timeZone ?? null,
    isLabelsColumn: id?.IsLabelsColumn === true,
    ...question,
    metadata,
    isText: isTextName(importId ?? tag),
    baseName: legacyLabel ?? (tag === '' ? `column_${index + 1}` : tag),
    baseKey: importId ? importId + (id?.choiceId ? `#${id.choiceId}` : '') : tag === '' ? `column_${index + 1}` : tag,
  };
}

/**
 * Builds the column map of a CSV/TSV export from its header rows. Trailing columns empty in every header row
 * (the trailing comma of legacy exports) are dropped. Throws `Error` with a message naming the column on a
 * broken ImportId row or an unknown time zone; the caller adds the file name.
 */
export function buildColumnMap(dialect: Dialect, headerRows: readonly (readonly string[])[]): ColumnMap {
  const [tags = [], second] = headerRows;
  const third = dialect === 'current' || dialect === 'insights' ? headerRows[2] : undefined;
  let width = Math.max(...headerRows.map((r) => r.length));
  while (width > 0 && headerRows.every((r) => (r[width - 1] ?? '') === '')) width--;
  const keys = new Set<string>();
  const baseNames = new Set<string>();
  const described = [];
  for (let i = 0; i < width; i++) {
    let id: ImportIdCell | null = null;
    const cell = third?.[i] ?? '';
    if (third) {
      try {
        id = dialect === 'current' ? parseJsonImportId(cell) : parsePythonImportId(cell);
      } catch (err) {
        throw new Error(`ImportId header row, column ${i + 1} (${tags[i] ?? ''}) ${(err as Error).message}`);
      }
      if (id.timeZone && !isValidTimeZone(id.timeZone)) {
        throw new Error(`ImportId header row, column ${i + 1} (${tags[i] ?? ''}) names unknown time zone "${id.timeZone}"`);
      }
    }
    const column = describeColumn(dialect, i, tags[i] ?? '', second ? (second[i] ?? '') : null, id);
    baseNames.add(column.baseName);
    described.push(column);
  }
  const names = new Set<string>();
  const columns: ColumnInfo[] = described.map(({ baseName, baseKey, ...rest }) => {
    let name = baseName;
    if (names.has(baseName)) {
      // A repeated tag becomes Q1_2, Q1_3…, skipping any name another column already has in the file.
      for (let n = 2; names.has(name) || baseNames.has(name); n++) name = `${baseName}_${n}`;
    }
    names.add(name);
    return { ...rest, key: uniqueKey(keys, baseKey), name };
  });
  return { dialect, headerRows: headerRows.length, columns };
}
