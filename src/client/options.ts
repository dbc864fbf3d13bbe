import type { Dispatcher } from 'undici';
import type { SleepFn } from './internal/sleep.ts';
import type { Logger } from './logger.ts';
import type { RateBudget } from './rate-budget.ts';

/** A `fetch` implementation (the global one, or a scripted one in tests). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Source of the current time (epoch ms). */
export interface Clock {
  now(): number;
}

/**
 * Options of `QualtricsClient`. Every setting with an env variable reads it when the option is absent; options win.
 * Invalid or unknown settings fail at construction with one `ConfigError` naming each of them.
 */
export interface ClientOptions {
  /** OAuth client id. Env `QUALTRICS_CLIENT_ID`. */
  clientId?: string;
  /** OAuth client secret. Env `QUALTRICS_CLIENT_SECRET`. Never logged. */
  clientSecret?: string;
  /** OAuth scopes (array or space-separated). Env `QUALTRICS_SCOPES`; default "read:surveys read:survey_responses". */
  scopes?: string | string[];
  /** Legacy API token sent as `X-API-TOKEN` (used when no OAuth client is configured). Env `QUALTRICS_API_TOKEN`. */
  apiToken?: string;
  /** Data center id (`iad1`, `fra1`, …) or `org.dc` (`myorg.iad1`). Env `QUALTRICS_DATA_CENTER`. */
  dataCenter?: string;
  /**
   * Origin overriding the data-center host (the simulator's URL, a proxy). https, or http for loopback only.
   * Env `QUALTRICS_BASE_URL`.
   */
  baseUrl?: string;
  /** Retries after the first attempt. Env `API_RETRIES_COUNT`; default 3. */
  maxRetries?: number;
  /** Base of the exponential backoff (ms). Env `API_RETRY_DELAY`; default 1000. */
  retryDelayMs?: number;
  /**
   * Per-request timeout (ms); for a download, the idle timeout between chunks instead of the whole body.
   * Env `API_REQUEST_TIMEOUT`; default 15000.
   */
  timeoutMs?: number;
  /** Share (0, 1] of the published rate limits this client uses. Env `QSYNC_RATE_SHARE`; default 0.8. */
  rateShare?: number;
  /**
   * OAuth token cache file, or `false` to keep tokens in memory only. Env `QSYNC_TOKEN_CACHE` (a path, or `off`);
   * default `$XDG_CACHE_HOME/qsync/tokens.json`, else `~/.cache/qsync/tokens.json`.
   */
  tokenCache?: string | false;
  /** Longest `Retry-After` the client waits (ms); a longer one fails the request. Default 120000. */
  maxRetryAfterMs?: number;
  /** Refresh an OAuth token this long before it expires (ms). Default 60000. */
  tokenRefreshMarginMs?: number;
  /** Shared rate budget; pass one instance to several clients of one brand. Default: one per client. */
  rateBudget?: RateBudget;
  /** undici dispatcher (Agent, MockAgent, ProxyAgent) for the default transport. */
  dispatcher?: Dispatcher;
  /** A `fetch` to use instead of undici `request()`. */
  fetch?: FetchLike;
  /** pino-compatible logger; default silent. */
  logger?: Logger;
  clock?: Clock;
  /** Abortable sleep used for backoff and rate waits (tests inject a fake). */
  sleep?: SleepFn;
  /** Random source in [0, 1) for backoff jitter; default Math.random. */
  random?: () => number;
  /** Environment to read settings from; default `process.env`. */
  env?: Record<string, string | undefined>;
}
