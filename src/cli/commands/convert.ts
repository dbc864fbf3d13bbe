import type { Command } from '@commander-js/extra-typings';

/** `qsync convert <file>`: a downloaded export → typed records on stdout. Imported only when the command runs. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('Read a downloaded export (zip, csv, tsv, json, ndjson or sav; any dialect) and write typed records to stdout')
    .argument('<file>', 'export file or zip as downloaded')
    .option('--to <format>', 'ndjson (one object per response, keyed by export tag) or csv (one header row)', 'ndjson')
    .option('--time-zone <zone>', 'IANA zone of dates whose header names none (the export\'s timeZone; default UTC)')
    .option('--decimal-comma', 'the export was made with formatDecimalAsComma')
    .action(async (file, flags) => {
      const { runConvert } = await import('./convert-run.ts');
      await runConvert(file, flags);
    });
}
