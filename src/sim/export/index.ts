import { Readable } from 'node:stream';
import type { BuildExport, ExportFormat, ExportOptions, SimResponse, SimSurvey } from '../contract.ts';
import { buildColumns } from './columns.ts';
import { CSV_DIALECT, delimitedChunks, TSV_DIALECT } from './csv.ts';
import { encodeChunks } from './encode.ts';
import { jsonPieces, ndjsonPieces } from './json.ts';
import { selectResponses } from './select.ts';
import { spssPieces } from './spss.ts';
import { xmlPieces } from './xml.ts';
import { zipSingleEntry } from './zip.ts';

export { defaultExportOptions, validateExportOptions } from './options.ts';

/** File extension of each format's file (the zip entry is `<Survey Name>.<ext>`). */
export const EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  csv: 'csv',
  tsv: 'tsv',
  json: 'json',
  ndjson: 'ndjson',
  spss: 'sav',
  xml: 'xml',
};

/** Content-Type of the uncompressed file; `application/zip` when compressed. */
export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=UTF-8',
  tsv: 'text/tab-separated-values; charset=UTF-16LE',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  spss: 'application/octet-stream',
  xml: 'application/xml',
};

/**
 * The file name Qualtrics gives the export: the survey name verbatim plus the extension. A `/` or `\` would make
 * the zip entry a path (a directory entry, or a traversal), so each becomes `_`, the usual replacement for a path
 * separator in a file name; a leading `X:` (which zip tools read as a drive) loses its colon the same way. All other
 * characters, `:` and accents included, are kept.
 */
export function exportEntryName(surveyName: string, format: ExportFormat): string {
  let name = surveyName.replace(/[/\\]/g, '_').replace(/^([A-Za-z]):/, '$1_').trim();
  if (name === '' || /^\.+$/.test(name)) name = 'Survey';
  return `${name}.${EXTENSIONS[format]}`;
}

/** The file's bytes, generated lazily as the consumer reads (a generator pulled by a stream keeps backpressure). */
function fileChunks(world: Parameters<BuildExport>[0], survey: SimSurvey, o: ExportOptions): Iterable<Buffer> {
  const rows = (): Iterable<SimResponse> => selectResponses(world, survey.id, o);
  switch (o.format) {
    case 'csv':
      return delimitedChunks(buildColumns(survey, o, 'text'), rows(), o, CSV_DIALECT);
    case 'tsv':
      return delimitedChunks(buildColumns(survey, o, 'text'), rows(), o, TSV_DIALECT);
    case 'json':
      return encodeChunks(jsonPieces(survey, rows(), o), 'utf8');
    case 'ndjson':
      return encodeChunks(ndjsonPieces(survey, rows(), o), 'utf8');
    case 'xml':
      return encodeChunks(xmlPieces(buildColumns(survey, o, 'text'), rows(), o), 'utf8');
    case 'spss':
      return spssPieces(buildColumns(survey, o, 'spss'), rows, o, survey.name);
  }
}

/**
 * Builds an export of `surveyId` with validated `options`. Nothing is generated until `open()` is read; every
 * `open()` streams the complete file again (zipped when `compress`, as a single entry), showing the data as of
 * `options.asOf`. Throws for an unknown survey; an unknown `timeZone` fails the stream.
 */
export const buildExport: BuildExport = (world, surveyId, options) => {
  const survey = world.survey(surveyId);
  if (!survey) throw new Error(`unknown survey: ${surveyId}`);
  const entryName = exportEntryName(survey.name, options.format);
  return {
    entryName,
    contentType: options.compress ? 'application/zip' : CONTENT_TYPES[options.format],
    open(): NodeJS.ReadableStream {
      const chunks = fileChunks(world, survey, options);
      if (!options.compress) return Readable.from(chunks, { objectMode: false });
      // The entry's timestamp is the export's as-of time, so the same export zips to the same bytes.
      return zipSingleEntry(chunks, entryName, options.asOf);
    },
  };
};
