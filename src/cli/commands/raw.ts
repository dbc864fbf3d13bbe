import type { Command } from '@commander-js/extra-typings';
import { withConnectionOptions } from '../connection-options.ts';

/** `qsync raw <METHOD> <path>`: any endpoint through the client pipeline. Imported only when the command runs. */
export function registerRaw(program: Command): void {
  withConnectionOptions(
    program
      .command('raw')
      .description('Call any API endpoint (path under /API/v3, e.g. "surveys/SV_x/quotas") and print the status and JSON body')
      .argument('<method>', 'GET, POST, PUT, DELETE or PATCH')
      .argument('<path>', 'path under /API/v3 ("v2/…" for another version); a query string is allowed'),
  )
    .option('--data <json>', 'JSON request body')
    .option('--allow-404', 'print a 404 answer instead of failing')
    .option('--json', 'print one JSON object {status, body}')
    .action(async (method, path, flags) => {
      const { runRaw } = await import('./raw-run.ts');
      await runRaw(method, path, flags);
    });
}
