/**
 * SPSS `.sav` exports (sav-reader, streamed row by row) → column map with variable and value labels, and typed
 * records keyed by variable name.
 */

import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { metadataOfName } from './column-map.ts';
import { asExportFileError } from './errors.ts';
import type { ExportSource } from './source.ts';
import { wallTimeToUtc } from './time-zone.ts';
import { statusCodeOf, type TypingOptions, typeJsonValue } from './typing.ts';
import type { ColumnInfo, ColumnMap, ExportRecord, TypedValue } from './types.ts';

// sav-reader is CommonJS-only; its types are resolved in require mode.
type SavReaderModule = typeof import('sav-reader', { with: { 'resolution-mode': 'require' } });

const savReader = createRequire(import.meta.url)('sav-reader') as SavReaderModule;

type SavReaderInstance = InstanceType<SavReaderModule['SavFileReader']>;
type SysVar = SavReaderInstance['meta']['sysvars'][number];

/** SPSS counts datetimes in seconds from 1582-10-14 00:00 (wall clock); this is that epoch in Unix seconds. */
const SPSS_EPOCH_UNIX_SECONDS = -12_219_379_200;
/** SPSS system-missing value: the most negative double (PSPP's "System File Format", float info record). */
const SYSMIS = -Number.MAX_VALUE;
const DATE_FORMATS = new Set(['DATE', 'ADATE', 'EDATE', 'JDATE', 'SDATE', 'DATETIME']);

/** The Readable-facing layer of sav-reader (its AsyncReader), as far as `patchRead` touches it. */
interface AsyncReaderLike {
  readable: Readable;
  position: number;
  read(len: number): Promise<Buffer>;
}

/**
 * Replaces sav-reader's AsyncReader.read, which assumes that one 'readable' event brings every byte it asks for
 * (it fails with "No data read even after wait" on the small pieces a zip entry's inflate stream delivers) and
 * never wakes up when the stream ends while it waits (a hang at the end of some files). This one waits until
 * `len` bytes are buffered or the stream ends, then answers the rest; at the very end it rejects as the original
 * does, which sav-reader reads as end of data.
 */
function patchRead(asyncReader: AsyncReaderLike): void {
  const { readable } = asyncReader;
  asyncReader.read = (len) =>
    new Promise<Buffer>((resolve, reject) => {
      const finish = (settle: () => void) => {
        readable.off('readable', attempt);
        readable.off('end', attempt);
        readable.off('error', fail);
        settle();
      };
      const fail = (err: unknown) => finish(() => reject(err));
      function attempt(): void {
        const buf = readable.read(len) as Buffer | null;
        if (buf !== null) {
          asyncReader.position += buf.length;
          finish(() => resolve(buf));
        } else if (readable.readableEnded || readable.destroyed) {
          finish(() => reject('No data to read due to end of stream reached'));
        }
      }
      readable.on('readable', attempt);
      readable.on('end', attempt);
      readable.once('error', fail);
      attempt();
    });
}

/**
 * Opens a sav-reader on a stream. The package only exports a file-name reader; its base class (which takes any
 * readable) is that class's prototype, so zip entries can be read without a temporary file.
 */
async function openReader(stream: Readable): Promise<SavReaderInstance> {
  const Base = Object.getPrototypeOf(savReader.SavFileReader) as new (readable: Readable) => SavReaderInstance;
  const reader = new Base(stream);
  const chunked = (reader.reader as unknown as { reader: { reader?: AsyncReaderLike } }).reader;
  if (chunked.reader && typeof chunked.reader.read === 'function') patchRead(chunked.reader);
  await reader.open();
  // sav-reader decodes each 8-byte string segment on its own, which breaks UTF-8 characters that straddle a
  // segment. Reading data strings as bytes (latin1) and decoding the whole value afterwards keeps them intact.
  const commands = reader.reader as unknown as { readString?: (len: number, trimEnd?: boolean) => Promise<string> };
  if (typeof commands.readString === 'function') {
    const readBytes = (reader.reader as unknown as { reader: { read(len: number): Promise<Buffer> } }).reader;
    commands.readString = async (len: number, trimEnd = false) => {
      const buf = await readBytes.read(len);
      const text = buf.toString('latin1');
      return trimEnd ? text.trimEnd() : text;
    };
  }
  return reader;
}

function encodingOf(reader: SavReaderInstance): BufferEncoding {
  const declared = String((reader.meta.header as { encoding?: unknown }).encoding ?? 'UTF-8').toLowerCase();
  return declared.includes('1252') || declared.includes('8859') ? 'latin1' : 'utf8';
}

function columnsOf(reader: SavReaderInstance): ColumnInfo[] {
  const vars = reader.meta.sysvars.filter((v) => !v.__is_child_string_var);
  return vars.map((v, index) => {
    const entries = reader.meta.getValueLabels(v.name);
    const column: ColumnInfo = {
      index,
      key: v.name,
      name: v.name,
      exportTag: v.name,
      label: v.label || null,
      importId: null,
      choiceId: null,
      timeZone: null,
      isLabelsColumn: false,
      questionId: null,
      loopId: null,
      part: null,
      metadata: v.name === 'Duration__in_seconds_' ? 'duration' : metadataOfName(v.name),
      isText: v.type === 1,
    };
    if (entries?.length) column.valueLabels = Object.fromEntries(entries.map((e) => [String(e.val), e.label]));
    return column;
  });
}

/** Reads the dictionary of a `.sav` export (no data rows) into a column map. */
export async function readSavHeader(source: ExportSource): Promise<ColumnMap> {
  const stream = await source.open();
  try {
    const reader = await openReader(stream);
    return { dialect: 'sav', headerRows: 0, columns: columnsOf(reader) };
  } catch (err) {
    throw asExportFileError(source.label, err, 'is not a readable SPSS .sav file');
  } finally {
    stream.destroy();
  }
}

function typeSavValue(raw: unknown, v: SysVar, column: ColumnInfo, encoding: BufferEncoding, typing: TypingOptions): TypedValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    const text = Buffer.from(raw, 'latin1').toString(encoding).trimEnd();
    return typeJsonValue(column.metadata, text, typing);
  }
  // Uncompressed files store system-missing as the raw double -DBL_MAX, which sav-reader passes through as is
  // (compressed files use a missing-value code it already maps to null).
  if (typeof raw !== 'number' || Number.isNaN(raw) || raw === SYSMIS) return null;
  if (DATE_FORMATS.has(v.printFormat?.typestr ?? '')) {
    const wallMs = (raw + SPSS_EPOCH_UNIX_SECONDS) * 1000;
    return new Date(wallTimeToUtc(wallMs, typing.timeZone, typing.offsets)).toISOString();
  }
  return typeJsonValue(column.metadata, raw, typing);
}

/** Typed records of a `.sav` export, one row in memory at a time. Dates are read in `typing.timeZone`. */
export async function* savRecords(source: ExportSource, map: ColumnMap, typing: TypingOptions): AsyncGenerator<ExportRecord> {
  const stream = await source.open();
  try {
    const reader = await openReader(stream);
    const encoding = encodingOf(reader);
    const vars = reader.meta.sysvars.filter((v) => !v.__is_child_string_var);
    const idColumn = map.columns.find((c) => c.metadata === '_recordId');
    const statusColumn = map.columns.find((c) => c.metadata === 'status');
    for (let index = 0; ; index++) {
      const row = (await reader.readNextRow(true)) as Record<string, unknown> | null;
      if (!row) return;
      const values: Record<string, TypedValue> = {};
      vars.forEach((v, i) => {
        const column = map.columns[i]!;
        values[column.key] = typeSavValue(row[v.name], v, column, encoding, typing);
      });
      const id = idColumn ? values[idColumn.key] : null;
      yield {
        responseId: typeof id === 'string' ? id : null,
        index,
        values,
        statusCode: statusColumn ? statusCodeOf(values[statusColumn.key] ?? null) : null,
      };
    }
  } catch (err) {
    throw asExportFileError(source.label, err, 'is not a readable SPSS .sav file');
  } finally {
    stream.destroy();
  }
}
