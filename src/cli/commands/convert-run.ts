import { ExportFileError, isValidTimeZone, openExport, type OutputFormat, writeRecords } from '../../formats/index.ts';
import { UsageError } from '../errors.ts';
import { type CliIo, processIo } from '../io.ts';

/** Flags of `qsync convert`. */
export interface ConvertFlags {
  to?: string;
  timeZone?: string;
  decimalComma?: boolean;
}

/** Problems that mean the path itself is wrong (exit 2) rather than its content (exit 1). */
const BAD_PATH = /^(no such file|is a directory|cannot be opened)/;

/**
 * `qsync convert <file>`: opens an export of any supported dialect and streams its typed records to stdout, as
 * NDJSON (one object per response keyed by export tag) or CSV (a single header row). Stops quietly when stdout is
 * closed early (`| head`).
 */
export async function runConvert(path: string, flags: ConvertFlags, io: CliIo = processIo()): Promise<void> {
  const to = (flags.to ?? 'ndjson').toLowerCase();
  if (to !== 'ndjson' && to !== 'csv') throw new UsageError(`--to must be ndjson or csv (got ${JSON.stringify(flags.to)})`);
  if (flags.timeZone !== undefined && !isValidTimeZone(flags.timeZone)) {
    throw new UsageError(`--time-zone must be an IANA time zone like America/Chicago (got ${JSON.stringify(flags.timeZone)})`);
  }
  let file: Awaited<ReturnType<typeof openExport>>;
  try {
    file = await openExport(path, { timeZone: flags.timeZone ?? 'UTC', decimalComma: flags.decimalComma === true });
  } catch (err) {
    if (err instanceof ExportFileError && BAD_PATH.test(err.problem)) throw new UsageError(err.message);
    throw err;
  }
  if (file.format === 'xml') {
    await file.close();
    throw new UsageError(`${path}: xml exports are file-only; convert reads csv, tsv, json, ndjson and sav exports`);
  }
  const closed = new AbortController();
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed.abort();
  };
  io.stdout.on('error', onError);
  try {
    await writeRecords(file, io.stdout, to as OutputFormat, closed.signal);
  } catch (err) {
    if (!closed.signal.aborted) throw err;
  } finally {
    io.stdout.off('error', onError);
    await file.close();
  }
}
