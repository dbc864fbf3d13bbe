import type { Command } from '@commander-js/extra-typings';
import { withConnectionOptions } from '../connection-options.ts';

/** `qsync export <surveyId>`: a response export into a file. Its implementation is imported only when it runs. */
export function registerExport(program: Command): void {
  withConnectionOptions(
    program
      .command('export')
      .description('Export the responses of a survey into a file (unzipped unless --keep-zip)')
      .argument('<surveyId>', 'survey id (SV_…)'),
  )
    .option('--format <format>', 'csv, tsv, json, ndjson, spss or xml', 'csv')
    .option('--out <path>', 'output file, or directory for <survey name>.<ext> (default: current directory)')
    .option('--keep-zip', 'keep the zip as downloaded instead of unzipping it')
    .option('--timeout <s>', 'give up waiting for the export after this many seconds', '1800')
    .option('--json', 'print a JSON summary {surveyId, format, path, bytes, rows?, continuationToken?, durationMs}')
    .option('--start-date <iso>', 'responses recorded at/after this instant (ISO 8601 with zone)')
    .option('--end-date <iso>', 'responses recorded before this instant (ISO 8601 with zone)')
    .option('--limit <n>', 'at most this many responses')
    .option('--question-ids <ids>', 'only these questions (comma-separated QIDs)')
    .option('--embedded-data-ids <names>', 'only these embedded-data fields (comma-separated)')
    .option('--survey-metadata-ids <names>', 'only these metadata fields (comma-separated)')
    .option('--filter-id <id>', 'apply a saved filter')
    .option('--seen-unanswered-recode <n>', 'value for seen but unanswered questions')
    .option('--multiselect-seen-unanswered-recode <n>', 'value for seen but unanswered multi-select choices')
    .option('--time-zone <zone>', 'IANA time zone of the dates in the file (default UTC)')
    .option('--no-breakout-sets', 'one column per multi-value field instead of one per choice')
    .option('--in-progress', 'export only responses still in progress')
    .option('--decimal-comma', 'write decimals with a comma')
    .option('--sort-by-last-modified', 'sort (and filter dates) by last-modified date')
    .option('--newline-replacement <s>', 'replace newlines in text with this (csv/tsv)')
    .option('--include-display-order', 'add display-order (_DO) columns')
    .option('--include-label-columns', 'add a label column beside each coded column')
    .option('--use-labels', 'export choice text instead of recode values')
    .option('--allow-continuation', 'ask for a continuation token for the next incremental export')
    .option('--continuation-token <token>', 'export only responses since the export that issued this token')
    .option('--no-compress', 'ask Qualtrics for an unzipped file')
    .action(async (surveyId, flags) => {
      const { runExport } = await import('./export-run.ts');
      await runExport(surveyId, flags);
    });
}
