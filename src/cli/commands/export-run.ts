import { APIUserAbortError } from '../../client/index.ts';
import { type ExportFileResult, type ExportJob, exportToFile } from '../../export/index.ts';
import { createClient } from '../connection.ts';
import { type CliIo, formatBytes, formatDuration, processIo, writeJson } from '../io.ts';
import { progressDisplay } from '../progress.ts';
import { type ExportFlags, exportParamsOf, timeoutMsOf } from './export-flags.ts';

/** Exit code after SIGINT/SIGTERM, as shells report a process killed by SIGINT (128 + 2). */
const INTERRUPTED_EXIT = 130;

/**
 * `qsync export <surveyId>`: runs the export pipeline into a file, with a progress bar on a TTY and a summary on
 * stdout. SIGINT/SIGTERM abort it cleanly: temporary files are removed and the exit code is 130.
 */
export async function runExport(surveyId: string, flags: ExportFlags, io: CliIo = processIo()): Promise<void> {
  const params = exportParamsOf(flags);
  const timeoutMs = timeoutMsOf(flags);
  const client = createClient(flags, io);
  const controller = new AbortController();
  let signalName: string | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    signalName = name;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The bar draws on the real terminal only; captured output (tests) gets none.
  const progress = progressDisplay(io.stderr === process.stderr ? process.stderr : undefined);
  let job: ExportJob | undefined;
  let result: ExportFileResult;
  try {
    result = await exportToFile(
      client,
      { surveyId, params },
      {
        signal: controller.signal,
        timeoutMs,
        onProgress: (event) => progress.update(event),
        onStarted: (started) => {
          job = started;
        },
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        ...(flags.keepZip ? { keepZip: true } : {}),
      },
    );
  } catch (err) {
    progress.stop();
    if (signalName && (err instanceof APIUserAbortError || controller.signal.aborted)) {
      const pending = job ? `; export job ${job.progressId} may still complete on Qualtrics` : '';
      io.stderr.write(`qsync: export of ${surveyId} interrupted by ${signalName}; temporary files removed${pending}\n`);
      process.exitCode = INTERRUPTED_EXIT;
      return;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  progress.stop();
  printSummary(result, flags, io);
}

function printSummary(result: ExportFileResult, flags: ExportFlags, io: CliIo): void {
  if (flags.json) {
    const summary: Record<string, unknown> = { surveyId: result.surveyId, format: result.format, path: result.path, bytes: result.bytes };
    if (result.rows !== undefined) summary.rows = result.rows;
    if (result.continuationToken !== undefined) summary.continuationToken = result.continuationToken;
    summary.durationMs = result.durationMs;
    writeJson(io.stdout, summary);
    return;
  }
  const rows = result.rows === undefined ? '' : `${result.rows.toLocaleString('en-US')} responses, `;
  io.stdout.write(
    `exported ${result.surveyId} as ${result.format}${result.zipped ? ' (zip)' : ''} to ${result.path} (${rows}${formatBytes(result.bytes)}) in ${formatDuration(result.durationMs)}\n`,
  );
  if (result.continuationToken !== undefined) io.stdout.write(`continuation token: ${result.continuationToken}\n`);
}
