import { QualtricsClient } from '../client/index.ts';
import type { CliIo } from './io.ts';
import { stderrLogger } from './log.ts';

/** Connection flags shared by every command that talks to Qualtrics. */
export interface ConnectionFlags {
  /** Overrides `QUALTRICS_BASE_URL` (e.g. the simulator's URL). */
  baseUrl?: string;
  /** Overrides `QUALTRICS_DATA_CENTER`. */
  dataCenter?: string;
  /** Overrides `QUALTRICS_API_TOKEN` (discouraged: visible in the process list and shell history). */
  apiToken?: string;
  /** Log info and debug lines to stderr. */
  verbose?: boolean;
}

/**
 * A client configured from env (`QUALTRICS_*`, `API_*`, `QSYNC_*`, as the client reads them) and the flags, which
 * win. An `--api-token` flag means token auth even when OAuth credentials are in the environment. Invalid settings
 * throw the client's `ConfigError` (exit 2). Nothing here prints a secret.
 */
export function createClient(flags: ConnectionFlags, io: CliIo): QualtricsClient {
  const env = { ...io.env };
  if (flags.apiToken !== undefined) {
    delete env.QUALTRICS_CLIENT_ID;
    delete env.QUALTRICS_CLIENT_SECRET;
    io.stderr.write('qsync: warning: --api-token is visible to other users of this machine; prefer QUALTRICS_API_TOKEN\n');
  }
  return new QualtricsClient({
    env,
    logger: stderrLogger(io.stderr, flags.verbose === true),
    ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.dataCenter !== undefined ? { dataCenter: flags.dataCenter } : {}),
    ...(flags.apiToken !== undefined ? { apiToken: flags.apiToken } : {}),
  });
}
