/**
 * Pure mapping from parsed exports (src/formats) to the store's shapes: export columns → `StoreColumn`s with type
 * hints, typed records → `StoreRecord`s with their metadata pulled into typed fields.
 */
import type { Survey } from '../client/index.ts';
import type { ColumnInfo, ColumnMap, ExportRecord, MetadataField, TypedValue } from '../formats/index.ts';
import type { ResponseMeta, SqlType, StoreColumn, StoreRecord, StoreValue } from '../store/index.ts';

/**
 * Type floors for metadata columns. Dates are timestamps and `finished` a boolean whatever the first value says;
 * identifiers, names and coordinates stay text (coordinates are long decimals that do not all fit a double).
 */
const METADATA_TYPES: Partial<Record<MetadataField, SqlType>> = {
  startDate: 'timestamp',
  endDate: 'timestamp',
  recordedDate: 'timestamp',
  lastModifiedDate: 'timestamp',
  finished: 'boolean',
  ipAddress: 'text',
  _recordId: 'text',
  responseSetId: 'text',
  recipientLastName: 'text',
  recipientFirstName: 'text',
  recipientEmail: 'text',
  externalDataReference: 'text',
  locationLatitude: 'text',
  locationLongitude: 'text',
  distributionChannel: 'text',
  userLanguage: 'text',
};

/** The store's description of each export column, question types taken from the survey definition. */
export function toStoreColumns(map: ColumnMap, survey?: Pick<Survey, 'questions'>): StoreColumn[] {
  return map.columns.map((column) => ({
    key: column.key,
    exportTag: column.exportTag,
    importId: column.importId,
    questionId: column.questionId,
    questionType: questionTypeOf(column, survey),
    choiceId: column.choiceId,
    label: column.label,
    isMetadata: column.metadata !== null,
    sqlType: typeHint(column),
  }));
}

function questionTypeOf(column: ColumnInfo, survey?: Pick<Survey, 'questions'>): string | null {
  if (!column.questionId || !survey?.questions) return null;
  const type = survey.questions[column.questionId]?.questionType?.type;
  return typeof type === 'string' ? type : null;
}

function typeHint(column: ColumnInfo): SqlType | null {
  if (column.metadata) return METADATA_TYPES[column.metadata] ?? null;
  return column.isText ? 'text' : null;
}

/** Which column key holds each metadata field, computed once per export. */
export type MetadataKeys = Partial<Record<MetadataField, string>>;

export function metadataKeys(map: ColumnMap): MetadataKeys {
  const keys: MetadataKeys = {};
  for (const column of map.columns) {
    if (column.metadata && !column.isLabelsColumn && keys[column.metadata] === undefined) keys[column.metadata] = column.key;
  }
  return keys;
}

/** A parsed record as the store takes it. Throws when the export carries no response id. */
export function toStoreRecord(record: ExportRecord, keys: MetadataKeys): StoreRecord {
  if (!record.responseId) {
    throw new Error(`export record ${record.index + 1} has no response id (the export lacks a ResponseId column)`);
  }
  const values = record.values;
  // Per record and field: a plain lookup, no closure (this runs once per response of a sync).
  const meta: ResponseMeta = {
    startDate: text(cellOf(values, keys.startDate)),
    endDate: text(cellOf(values, keys.endDate)),
    recordedDate: text(cellOf(values, keys.recordedDate)),
    lastModifiedDate: text(cellOf(values, keys.lastModifiedDate)),
    status: record.statusCode,
    progress: number(cellOf(values, keys.progress)),
    duration: number(cellOf(values, keys.duration)),
    finished: bool(cellOf(values, keys.finished)),
    distributionChannel: text(cellOf(values, keys.distributionChannel)),
    userLanguage: text(cellOf(values, keys.userLanguage)),
    ipAddress: text(cellOf(values, keys.ipAddress)),
    externalReference: text(cellOf(values, keys.externalDataReference)),
    recipientEmail: text(cellOf(values, keys.recipientEmail)),
    recipientFirstName: text(cellOf(values, keys.recipientFirstName)),
    recipientLastName: text(cellOf(values, keys.recipientLastName)),
    latitude: number(cellOf(values, keys.locationLatitude)),
    longitude: number(cellOf(values, keys.locationLongitude)),
  };
  const out: StoreRecord = { responseId: record.responseId, values: values as Record<string, StoreValue>, meta };
  if (record.labels) out.labels = record.labels as Record<string, StoreValue>;
  return out;
}

function cellOf(values: Readonly<Record<string, TypedValue>>, key: string | undefined): TypedValue | undefined {
  return key === undefined ? undefined : values[key];
}

function text(v: TypedValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function number(v: TypedValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function bool(v: TypedValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1' || v === 'True' || v === 'true') return true;
  if (v === 0 || v === '0' || v === 'False' || v === 'false') return false;
  return null;
}

const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The later of two UTC ISO-8601 dates (null-tolerant). Called per record, so canonical dates compare as text. */
export function laterDate(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  if (a.length === 24 && b.length === 24 && CANONICAL.test(a) && CANONICAL.test(b)) return b > a ? b : a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
