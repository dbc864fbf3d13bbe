import type { ExportOptions, SimResponse } from '../contract.ts';
import type { Column } from './column-types.ts';

/** `Status` codes and their labels (label exports write the label). */
export const STATUS_LABELS: ReadonlyMap<number, string> = new Map([
  [0, 'IP Address'],
  [1, 'Survey Preview'],
  [2, 'Survey Test'],
  [4, 'Imported'],
  [8, 'Spam'],
  [16, 'Offline'],
]);

export const FINISHED_LABELS: ReadonlyMap<number, string> = new Map([
  [1, 'True'],
  [0, 'False'],
]);

type MetaSpec = readonly [importId: string, header: string, label: string, kind: 'date' | 'numeric' | 'string' | 'decimal'];

/**
 * The default metadata set, in the order real exports have it (FACTS.md §5.1; ropensci fixtures): ImportId, row-1
 * header, row-2 label, kind.
 */
export const METADATA_SPECS: readonly MetaSpec[] = [
  ['startDate', 'StartDate', 'Start Date', 'date'],
  ['endDate', 'EndDate', 'End Date', 'date'],
  ['status', 'Status', 'Response Type', 'numeric'],
  ['ipAddress', 'IPAddress', 'IP Address', 'string'],
  ['progress', 'Progress', 'Progress', 'numeric'],
  ['duration', 'Duration (in seconds)', 'Duration (in seconds)', 'numeric'],
  ['finished', 'Finished', 'Finished', 'numeric'],
  ['recordedDate', 'RecordedDate', 'Recorded Date', 'date'],
  ['_recordId', 'ResponseId', 'Response ID', 'string'],
  ['recipientLastName', 'RecipientLastName', 'Recipient Last Name', 'string'],
  ['recipientFirstName', 'RecipientFirstName', 'Recipient First Name', 'string'],
  ['recipientEmail', 'RecipientEmail', 'Recipient Email', 'string'],
  ['externalDataReference', 'ExternalReference', 'External Data Reference', 'string'],
  ['locationLatitude', 'LocationLatitude', 'Location Latitude', 'decimal'],
  ['locationLongitude', 'LocationLongitude', 'Location Longitude', 'decimal'],
  ['distributionChannel', 'DistributionChannel', 'Distribution Channel', 'string'],
  ['userLanguage', 'UserLanguage', 'User Language', 'string'],
];

const LAST_MODIFIED: MetaSpec = ['lastModifiedDate', 'LastModifiedDate', 'Last Modified Date', 'date'];

type MetaReader = (r: SimResponse) => number | string | undefined;

/** Empty text is an empty cell. */
function text(v: string): string | undefined {
  return v === '' ? undefined : v;
}

/**
 * How each metadata column reads its cell (empty text as no value): one function per field, so that each reads
 * a fixed property (a shared function reading `meta[key]` with a varying key is much slower).
 */
const READERS: Readonly<Record<string, MetaReader>> = {
  startDate: (r) => r.meta.startDate,
  endDate: (r) => r.meta.endDate,
  status: (r) => r.meta.status,
  ipAddress: (r) => text(r.meta.ipAddress),
  progress: (r) => r.meta.progress,
  duration: (r) => r.meta.duration,
  finished: (r) => (r.meta.finished ? 1 : 0),
  // In-progress sessions have not been recorded yet: the cell stays empty.
  recordedDate: (r) => (r.inProgress ? undefined : r.meta.recordedDate),
  _recordId: (r) => text(r.responseId),
  recipientLastName: (r) => text(r.meta.recipientLastName),
  recipientFirstName: (r) => text(r.meta.recipientFirstName),
  recipientEmail: (r) => text(r.meta.recipientEmail),
  externalDataReference: (r) => text(r.meta.externalDataReference),
  locationLatitude: (r) => text(r.meta.locationLatitude),
  locationLongitude: (r) => text(r.meta.locationLongitude),
  distributionChannel: (r) => text(r.meta.distributionChannel),
  userLanguage: (r) => text(r.meta.userLanguage),
  lastModifiedDate: (r) => r.meta.lastModifiedDate,
};

/**
 * Which metadata ids an export includes, in canonical order: the default set, or exactly `surveyMetadataIds`
 * (which replaces it), plus `lastModifiedDate` with sortByLastModifiedDate (not for in-progress exports, where the
 * sort has no effect).
 */
export function metadataIds(o: ExportOptions): string[] {
  const all = [...METADATA_SPECS, LAST_MODIFIED].map((s) => s[0]);
  const wanted = new Set(o.surveyMetadataIds ?? METADATA_SPECS.map((s) => s[0]));
  if (o.sortByLastModifiedDate && !o.exportResponsesInProgress) wanted.add('lastModifiedDate');
  return all.filter((id) => wanted.has(id));
}

/** The metadata columns of a tabular export. */
export function metadataColumns(o: ExportOptions): Column[] {
  const specs = new Map([...METADATA_SPECS, LAST_MODIFIED].map((s) => [s[0], s]));
  return metadataIds(o).map((id) => {
    const [importId, header, label, kind] = specs.get(id)!;
    const col: Column = {
      header,
      label,
      importId: kind === 'date' ? { ImportId: importId, timeZone: o.timeZone ?? 'UTC' } : { ImportId: importId },
      type: kind === 'decimal' ? 'string' : kind,
      get: READERS[importId]!,
    };
    if (kind === 'decimal') col.decimalText = true;
    if (importId === 'status') col.valueLabels = STATUS_LABELS;
    if (importId === 'finished') col.valueLabels = FINISHED_LABELS;
    return col;
  });
}
