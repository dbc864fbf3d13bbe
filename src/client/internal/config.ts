import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import type { ClientOptions } from '../options.ts';

/** How the client authenticates. Secrets live here and in the auth objects only. */
export type AuthSettings =
  | { kind: 'oauth'; clientId: string; clientSecret: string; scopes: string[] }
  | { kind: 'token'; apiToken: string };

/** The validated configuration of one client. */
export interface ResolvedConfig {
  auth: AuthSettings;
  /** Scheme, host and optional path prefix, no trailing slash: API calls go to `${origin}/API/v3/…`. */
  origin: string;
  dataCenter: string | undefined;
  maxRetries: number;
  retryDelayMs: number;
  timeoutMs: number;
  rateShare: number;
  /** Token cache file, or null when disabled. */
  tokenCachePath: string | null;
  maxRetryAfterMs: number;
  tokenRefreshMarginMs: number;
}

export const DEFAULT_SCOPES = ['read:surveys', 'read:survey_responses'];

const RUNTIME_KEYS = ['rateBudget', 'dispatcher', 'fetch', 'logger', 'clock', 'sleep', 'random', 'env'];

function show(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function fail(ctx: z.RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function integer(def: number, min: number, max: number, what: string) {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined) return def;
    const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) return fail(ctx, `must be ${what} (got ${show(v)})`);
    if (n > max) return fail(ctx, `must be at most ${max} (got ${show(v)})`);
    return n;
  });
}

function share(def: number) {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined) return def;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !(n > 0 && n <= 1)) return fail(ctx, `must be a number in (0, 1] (got ${show(v)})`);
    return n;
  });
}

function text(secret: boolean) {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return fail(ctx, secret ? 'must be a non-empty string' : `must be a non-empty string (got ${show(v)})`);
    return v.trim();
  });
}

const scopes = z.unknown().transform((v, ctx) => {
  if (v === undefined) return DEFAULT_SCOPES;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : undefined;
  if (!list || list.length === 0 || !list.every((s) => typeof s === 'string' && /^[a-z_]+:[a-z_]+$/.test(s))) {
    return fail(ctx, `must be space-separated scopes like "read:surveys read:survey_responses" (got ${show(v)})`);
  }
  return [...new Set(list as string[])];
});

const dataCenter = z.unknown().transform((v, ctx) => {
  if (v === undefined) return undefined;
  const dc = typeof v === 'string' ? v.trim().toLowerCase().replace(/\.qualtrics\.com$/, '') : '';
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(dc)) {
    return fail(ctx, `must be a data center id like iad1, fra1 or myorg.iad1 (got ${show(v)}); put a full URL in QUALTRICS_BASE_URL`);
  }
  return dc;
});

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const baseUrl = z.unknown().transform((v, ctx) => {
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(v).trim());
  } catch {
    return fail(ctx, `must be an absolute URL like https://iad1.qualtrics.com (got ${show(v)})`);
  }
  if (url.username || url.password) return fail(ctx, 'must not contain credentials');
  if (url.search || url.hash) return fail(ctx, `must not have a query or fragment (got ${show(url.origin + url.pathname)})`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    return fail(ctx, `must use https (http is allowed for loopback hosts only) (got ${show(url.origin)})`);
  }
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/API\/v3$/i, '');
  return `${url.origin}${prefix}`;
});

function tokenCache(env: Record<string, string | undefined>) {
  return z.unknown().transform((v, ctx) => {
    if (v === false || (typeof v === 'string' && /^(off|false|0|none)$/i.test(v.trim()))) return null;
    if (v === undefined) return defaultTokenCachePath(env);
    if (typeof v !== 'string' || v.trim() === '') return fail(ctx, `must be a file path or "off" (got ${show(v)})`);
    return resolve(v.trim());
  });
}

/** `$XDG_CACHE_HOME/qsync/tokens.json`, else `~/.cache/qsync/tokens.json` (`%LOCALAPPDATA%` on Windows). */
export function defaultTokenCachePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || join(env.HOME || homedir(), '.cache');
  return join(base, 'qsync', 'tokens.json');
}

/** Each setting: its option key, the env variable that fills it, and its schema. */
function settings(env: Record<string, string | undefined>) {
  return {
    clientId: { env: 'QUALTRICS_CLIENT_ID', schema: text(false) },
    clientSecret: { env: 'QUALTRICS_CLIENT_SECRET', schema: text(true) },
    apiToken: { env: 'QUALTRICS_API_TOKEN', schema: text(true) },
    scopes: { env: 'QUALTRICS_SCOPES', schema: scopes },
    dataCenter: { env: 'QUALTRICS_DATA_CENTER', schema: dataCenter },
    baseUrl: { env: 'QUALTRICS_BASE_URL', schema: baseUrl },
    maxRetries: { env: 'API_RETRIES_COUNT', schema: integer(3, 0, 20, 'a non-negative integer') },
    retryDelayMs: { env: 'API_RETRY_DELAY', schema: integer(1000, 0, 600_000, 'a non-negative integer (ms)') },
    timeoutMs: { env: 'API_REQUEST_TIMEOUT', schema: integer(15_000, 1, 3_600_000, 'a positive integer (ms)') },
    rateShare: { env: 'QSYNC_RATE_SHARE', schema: share(0.8) },
    tokenCache: { env: 'QSYNC_TOKEN_CACHE', schema: tokenCache(env) },
    maxRetryAfterMs: { env: undefined, schema: integer(120_000, 0, 3_600_000, 'a non-negative integer (ms)') },
    tokenRefreshMarginMs: { env: undefined, schema: integer(60_000, 0, 600_000, 'a non-negative integer (ms)') },
  } as const;
}

/**
 * Resolves options and env into a `ResolvedConfig`, or throws one `ConfigError` listing every problem, each named
 * as the user wrote it (env variable when the value came from the environment, option name otherwise).
 */
export function resolveConfig(options: ClientOptions, env: Record<string, string | undefined>): ResolvedConfig {
  const table = settings(env);
  type Key = keyof typeof table;
  const keys = Object.keys(table) as Key[];
  const input: Partial<Record<Key, unknown>> = {};
  const names = {} as Record<Key, string>;
  const record = options as Record<string, unknown>;
  for (const key of keys) {
    const envName = table[key].env;
    const fromEnv = envName ? env[envName] : undefined;
    if (record[key] !== undefined) {
      input[key] = record[key];
      names[key] = key;
    } else if (envName && fromEnv !== undefined && fromEnv.trim() !== '') {
      input[key] = fromEnv;
      names[key] = envName;
    } else {
      names[key] = envName ?? key;
    }
  }
  const issues: ConfigIssue[] = Object.keys(record)
    .filter((k) => record[k] !== undefined && !(k in table) && !RUNTIME_KEYS.includes(k))
    .map((k) => ({ setting: k, message: 'is not a known option' }));

  const values: Partial<Record<Key, unknown>> = {};
  for (const key of keys) {
    const parsed = table[key].schema.safeParse(input[key]);
    if (parsed.success) values[key] = parsed.data;
    else for (const issue of parsed.error.issues) issues.push({ setting: names[key], message: issue.message });
  }
  // Cross-setting checks look at presence only, so they are reported together with invalid values.
  checkPresence(input, names, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  const v = values as { [K in Key]: z.output<(typeof table)[K]['schema']> };
  const auth: AuthSettings =
    v.clientId && v.clientSecret
      ? { kind: 'oauth', clientId: v.clientId, clientSecret: v.clientSecret, scopes: v.scopes }
      : { kind: 'token', apiToken: v.apiToken ?? '' };
  return {
    auth,
    origin: v.baseUrl ?? `https://${v.dataCenter}.qualtrics.com`,
    dataCenter: v.dataCenter,
    maxRetries: v.maxRetries,
    retryDelayMs: v.retryDelayMs,
    timeoutMs: v.timeoutMs,
    rateShare: v.rateShare,
    tokenCachePath: v.tokenCache,
    maxRetryAfterMs: v.maxRetryAfterMs,
    tokenRefreshMarginMs: v.tokenRefreshMarginMs,
  };
}

/** OAuth needs both id and secret; otherwise an API token; and a data center or base URL. */
function checkPresence(input: Record<string, unknown>, names: Record<string, string>, issues: ConfigIssue[]): void {
  const has = (k: string) => input[k] !== undefined;
  if (!has('baseUrl') && !has('dataCenter')) {
    issues.push({ setting: 'QUALTRICS_DATA_CENTER', message: 'is required (e.g. iad1, fra1 or myorg.iad1), or set QUALTRICS_BASE_URL' });
  }
  if (has('clientId') && has('clientSecret')) return;
  if (has('clientId') && !has('apiToken')) {
    issues.push({ setting: 'QUALTRICS_CLIENT_SECRET', message: `is required when ${names.clientId} is set` });
  } else if (has('clientSecret') && !has('apiToken')) {
    issues.push({ setting: 'QUALTRICS_CLIENT_ID', message: `is required when ${names.clientSecret} is set` });
  } else if (!has('apiToken')) {
    issues.push({
      setting: 'credentials',
      message: 'are missing: set QUALTRICS_CLIENT_ID and QUALTRICS_CLIENT_SECRET (OAuth client credentials) or QUALTRICS_API_TOKEN',
    });
  }
}
