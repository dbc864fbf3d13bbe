import { z } from 'zod';
import { OAuthError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../options.ts';
import type { Authenticator, Credentials } from './auth.ts';
import { oneLine, readMeta } from './error-factory.ts';
import type { Redactor } from './redact.ts';
import { raceAbort } from './sleep.ts';
import { type CachedToken, type TokenCache, tokenCacheKey } from './token-cache.ts';

/** Sends the token request through the client pipeline (rate budget and retry policy, no auth) and returns its answer. */
export type TokenRequester = (req: {
  url: string;
  headers: Record<string, string>;
  body: string;
}) => Promise<{ status: number; body: unknown; retries: number }>;

export interface OAuthAuthOptions {
  origin: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Refresh this long before expiry (ms). */
  refreshMarginMs: number;
  cache: TokenCache | null;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  send: TokenRequester;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
});

/** The token lifetime when the server does not say (Qualtrics tokens last one hour, FACTS.md §1.2). */
const DEFAULT_LIFETIME_S = 3600;

/**
 * OAuth 2.0 client-credentials auth (FACTS.md §1.2): `POST {origin}/oauth2/token` with Basic auth. Concurrent
 * callers share one in-flight token request; tokens are renewed `refreshMarginMs` before they expire and kept in
 * the disk cache so separate runs reuse them; a 401 drops the token (memory and disk) so the next call gets a new one.
 */
export class OAuthAuth implements Authenticator {
  readonly kind = 'oauth';
  readonly #opts: OAuthAuthOptions;
  readonly #key: string;
  #token: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  constructor(opts: OAuthAuthOptions) {
    this.#opts = opts;
    this.#key = tokenCacheKey(opts.origin, opts.clientId, opts.clientSecret, opts.scopes);
    opts.redactor.add(opts.clientSecret);
    opts.redactor.add(basic(opts.clientId, opts.clientSecret));
  }

  async authorize(signal?: AbortSignal): Promise<Credentials> {
    const token = this.#token && this.fresh(this.#token) ? this.#token : await raceAbort(this.shared(), signal);
    return { headers: { Authorization: `Bearer ${token.accessToken}` }, token: token.accessToken, refreshable: true };
  }

  async invalidate(credentials: Credentials): Promise<void> {
    if (this.#token?.accessToken !== credentials.token) return;
    this.#token = undefined;
    this.#opts.logger.info({}, 'OAuth token refused (401); requesting a new one');
    await this.#opts.cache?.set(this.#key, undefined, this.#opts.clock.now());
  }

  private fresh(token: CachedToken): boolean {
    return token.expiresAt - this.#opts.refreshMarginMs > this.#opts.clock.now();
  }

  private shared(): Promise<CachedToken> {
    if (!this.#pending) {
      this.#pending = this.obtain().finally(() => {
        this.#pending = undefined;
      });
    }
    return this.#pending;
  }

  private async obtain(): Promise<CachedToken> {
    const { cache, clock } = this.#opts;
    const cached = await cache?.get(this.#key, clock.now());
    if (cached && this.fresh(cached)) {
      this.#opts.redactor.add(cached.accessToken);
      this.#token = cached;
      this.#opts.logger.debug({}, 'using the cached OAuth token');
      return cached;
    }
    const token = await this.request();
    this.#token = token;
    await cache?.set(this.#key, token, clock.now());
    return token;
  }

  private async request(): Promise<CachedToken> {
    const { origin, clientId, clientSecret, scopes, clock } = this.#opts;
    const started = clock.now();
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }).toString();
    const res = await this.#opts.send({
      url: `${origin}/oauth2/token`,
      headers: {
        Authorization: `Basic ${basic(clientId, clientSecret)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body,
    });
    if (res.status !== 200) throw this.failure(res);
    const parsed = TokenResponse.safeParse(res.body);
    if (!parsed.success || (parsed.data.token_type && parsed.data.token_type.toLowerCase() !== 'bearer')) {
      throw new OAuthError(`OAuth token endpoint ${origin}/oauth2/token answered 200 without a usable bearer token`, { status: 200 });
    }
    this.#opts.redactor.add(parsed.data.access_token);
    const lifetimeS = parsed.data.expires_in ?? DEFAULT_LIFETIME_S;
    this.#opts.logger.info({ expiresInS: lifetimeS, scopes: scopes.join(' ') }, 'obtained an OAuth access token');
    return { accessToken: parsed.data.access_token, expiresAt: started + lifetimeS * 1000 };
  }

  private failure(res: { status: number; body: unknown; retries: number }): OAuthError {
    const meta = readMeta(res.body);
    const b = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Record<string, unknown>;
    const code = (typeof b.error === 'string' ? b.error : undefined) ?? meta.errorMessage ?? meta.errorCode;
    const description = typeof b.error_description === 'string' ? `: ${oneLine(b.error_description, 200)}` : '';
    const details = [`HTTP ${res.status}`];
    if (meta.errorCode) details.push(`errorCode ${meta.errorCode}`);
    if (meta.requestId) details.push(`requestId ${meta.requestId}`);
    if (res.retries > 0) details.push(`after ${res.retries} retries`);
    const message = `OAuth token request to ${this.#opts.origin}/oauth2/token failed: ${code ?? 'no error code'}${description} (${details.join(', ')}); ${this.advice(res.status, code)}`;
    return new OAuthError(this.#opts.redactor.redact(message), {
      status: res.status,
      ...(code ? { errorCode: code } : {}),
      ...(meta.requestId ? { requestId: meta.requestId } : {}),
    });
  }

  private advice(status: number, code: string | undefined): string {
    if (code === 'invalid_scope') {
      return `the OAuth client is not allowed the scopes "${this.#opts.scopes.join(' ')}" (set QUALTRICS_SCOPES)`;
    }
    if (status === 400 || status === 401 || status === 403) {
      return 'check QUALTRICS_CLIENT_ID and QUALTRICS_CLIENT_SECRET, and QUALTRICS_DATA_CENTER: OAuth clients and their tokens are bound to the data center where the client was created';
    }
    return 'the token endpoint failed; try again later';
  }
}

function basic(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
}
