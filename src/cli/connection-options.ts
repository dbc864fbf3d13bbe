import type { Command, OptionValues } from '@commander-js/extra-typings';

// Kept apart from connection.ts so that registering commands imports no client code (`qsync --help` stays fast).

/** Adds `--base-url`, `--data-center`, `--api-token` and `--verbose` to a command. */
export function withConnectionOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .option('--base-url <url>', 'API origin (default: env QUALTRICS_BASE_URL, else the data center host)')
    .option('--data-center <id>', 'data center id like iad1 or fra1 (default: env QUALTRICS_DATA_CENTER)')
    .option('--api-token <token>', 'API token (discouraged: prefer env QUALTRICS_API_TOKEN)')
    .option('-v, --verbose', 'log every request to stderr');
}
