import type { Command } from '@commander-js/extra-typings';
import { withConnectionOptions } from '../connection-options.ts';

/** `qsync whoami`: who the credentials belong to. Its implementation is imported only when the command runs. */
export function registerWhoami(program: Command): void {
  withConnectionOptions(program.command('whoami').description('Show the user, brand and data center behind the credentials'))
    .option('--json', 'print the result as one JSON object')
    .action(async (flags) => {
      const { runWhoami } = await import('./whoami-run.ts');
      await runWhoami(flags);
    });
}
