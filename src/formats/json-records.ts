/**
 * JSON (`{"responses":[…]}`, streamed with @streamparser/json-node) and NDJSON (one response per line, with
 * node:readline) exports → typed records of the same shape as CSV ones.
 */

import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JSONParser } from '@streamparser/json-node';
import { isTextName, metadataOfImportId, parseQuestionImportId } from './column-map.ts';
import { decodeText } from './decode.ts';
import { asExportFileError, ExportFileError } from './errors.ts';
import type { ExportSource } from './source.ts';
import { statusCodeOf, type TypingOptions, typeJsonValue } from './typing.ts';
import type { ColumnMap, ExportRecord, TypedValue } from './types.ts';

type JsonObject = { [key: string]: TypedValue };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds a column for `key` to a growing JSON column map the first time the key is seen. */
function noteColumn(map: ColumnMap, known: Set<string>, key: string): void {
  if (known.has(key)) return;
  known.add(key);
  map.columns.push({
    index: map.columns.length,
    key,
    name: key,
    exportTag: key,
    label: null,
    importId: key,
    choiceId: null,
    timeZone: null,
    isLabelsColumn: false,
    ...parseQuestionImportId(key),
    metadata: metadataOfImportId(key),
    isText: isTextName(key),
  });
}

/**
 * One response object of a JSON/NDJSON export → an {@link ExportRecord}; new keys are added to `map`.
 * Throws `Error` when the object has no `values` object.
 */
export function jsonResponseToRecord(
  response: unknown,
  index: number,
  map: ColumnMap,
  known: Set<string>,
  typing: TypingOptions,
): ExportRecord {
  if (!isObject(response) || !isObject(response.values)) {
    throw new Error(`response ${index + 1} has no "values" object`);
  }
  const values: Record<string, TypedValue> = {};
  for (const [key, value] of Object.entries(response.values)) {
    noteColumn(map, known, key);
    values[key] = typeJsonValue(metadataOfImportId(key), value, typing);
  }
  const id = typeof response.responseId === 'string' ? response.responseId : values._recordId;
  const record: ExportRecord = {
    responseId: typeof id === 'string' ? id : null,
    index,
    values,
    statusCode: statusCodeOf(values.status ?? null),
  };
  if (isObject(response.labels)) record.labels = response.labels;
  if (Array.isArray(response.displayedFields)) record.displayedFields = response.displayedFields;
  if (isObject(response.displayedValues)) record.displayedValues = response.displayedValues;
  return record;
}

/** Typed records of a `{"responses":[…]}` JSON export, one response in memory at a time. */
export async function* jsonRecords(source: ExportSource, map: ColumnMap, typing: TypingOptions): AsyncGenerator<ExportRecord> {
  const known = new Set(map.columns.map((c) => c.key));
  const parser = new JSONParser({ paths: ['$.responses.*'], keepStack: false });
  let index = 0;
  try {
    const input = Readable.from(decodeText(await source.open()), { objectMode: true });
    const piping = pipeline(input, parser).catch((err: unknown) => parser.destroy(err as Error));
    try {
      for await (const element of parser) {
        yield jsonResponseToRecord((element as { value: unknown }).value, index++, map, known, typing);
      }
      await piping;
    } finally {
      input.destroy();
      parser.destroy();
    }
  } catch (err) {
    throw asExportFileError(source.label, err, 'is not a valid JSON export');
  }
  if (index === 0 && !(await hasResponsesArray(source))) {
    throw new ExportFileError(source.label, 'is not a JSON response export (no "responses" array)');
  }
}

/** Whether the document has a top-level `responses` array (checked only when no response was found). */
async function hasResponsesArray(source: ExportSource): Promise<boolean> {
  const parser = new JSONParser({ paths: ['$.responses'], keepStack: false });
  const input = Readable.from(decodeText(await source.open()), { objectMode: true });
  let found = false;
  parser.on('data', (element: { value: unknown }) => {
    found = Array.isArray(element.value);
  });
  await pipeline(input, parser).catch(() => undefined);
  return found;
}

/** Typed records of an NDJSON export, one line in memory at a time; blank lines are skipped. */
export async function* ndjsonRecords(source: ExportSource, map: ColumnMap, typing: TypingOptions): AsyncGenerator<ExportRecord> {
  const known = new Set(map.columns.map((c) => c.key));
  let index = 0;
  let line = 0;
  try {
    const input = Readable.from(decodeText(await source.open()), { objectMode: true });
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const text of lines) {
        line++;
        if (text.trim() === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          throw new ExportFileError(source.label, `line ${line} is not valid JSON (${(err as Error).message})`);
        }
        yield jsonResponseToRecord(parsed, index++, map, known, typing);
      }
    } finally {
      lines.close();
      input.destroy();
    }
  } catch (err) {
    throw asExportFileError(source.label, err, `line ${line} cannot be read`);
  }
}
