import { InvalidParameterError } from './errors.ts';
import { ApiTokenAuth, type Authenticator } from './internal/auth.ts';
import { resolveConfig } from './internal/config.ts';
import { OAuthAuth } from './internal/oauth.ts';
import { type HttpMethod, Pipeline } from './internal/pipeline.ts';
import { Redactor, redactingLogger } from './internal/redact.ts';
import type { ResourceContext } from './internal/resource.ts';
import { sleep as realSleep } from './internal/sleep.ts';
import { TokenCache } from './internal/token-cache.ts';
import { fetchTransport, undiciTransport } from './internal/transport.ts';
import { silentLogger } from './logger.ts';
import type { ClientOptions } from './options.ts';
import { RateBudget } from './rate-budget.ts';
import { ResponseExports } from './resources/response-exports.ts';
import { Responses } from './resources/responses.ts';
import { SurveyDefinitions } from './resources/survey-definitions.ts';
import { Surveys } from './resources/surveys.ts';
import { WhoAmIResource } from './resources/whoami.ts';

/** The client's settings, without secrets (safe to print). */
export interface ClientSettings {
  /** Origin the client talks to, e.g. "https://iad1.qualtrics.com". */
  baseUrl: string;
  dataCenter: string | undefined;
  authKind: 'oauth' | 'token';
  scopes: string[] | undefined;
  maxRetries: number;
  retryDelayMs: number;
  timeoutMs: number;
  rateShare: number;
  tokenCachePath: string | null;
}

/** Options of `client.raw`. */
export interface RawOptions {
  /** Return a 404 as `{ status: 404, … }` instead of throwing `NotFoundError`. */
  allow404?: boolean;
  /** Query parameters (merged with any query string in `path`). */
  query?: Record<string, string | number | boolean | undefined>;
  /** Mark a POST/PATCH as safe to repeat (e.g. it carries an Idempotency-Key). */
  idempotent?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Answer of `client.raw`. */
export interface RawResponse {
  status: number;
  /** The whole parsed body (envelope included), or undefined when empty. */
  body: unknown;
  requestId: string | undefined;
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/**
 * Client for the Qualtrics REST API v3. Every call goes through one pipeline: rate budget → retry policy → auth
 * (DESIGN.md invariant 3). Construction validates the configuration (options, then env) and throws `ConfigError`.
 *
 * ```ts
 * const client = new QualtricsClient({ dataCenter: 'iad1' }); // credentials from QUALTRICS_* env
 * for await (const survey of client.surveys.list()) console.log(survey.id);
 * ```
 */
export class QualtricsClient {
  readonly whoami: WhoAmIResource;
  readonly surveys: Surveys;
  readonly surveyDefinitions: SurveyDefinitions;
  readonly responseExports: ResponseExports;
  readonly responses: Responses;
  /** The rate budget in use (pass it to another client of the same brand to share it). */
  readonly rateBudget: RateBudget;
  readonly settings: ClientSettings;
  readonly #pipeline: Pipeline;

  constructor(options: ClientOptions = {}) {
    const config = resolveConfig(options, options.env ?? process.env);
    const redactor = new Redactor();
    const logger = redactingLogger(options.logger ?? silentLogger, redactor);
    const clock = options.clock ?? { now: () => Date.now() };
    const sleep = options.sleep ?? realSleep;
    this.rateBudget = options.rateBudget ?? new RateBudget({ share: config.rateShare, clock, sleep });
    const pipeline = new Pipeline({
      origin: config.origin,
      maxRetries: config.maxRetries,
      retryDelayMs: config.retryDelayMs,
      timeoutMs: config.timeoutMs,
      maxRetryAfterMs: config.maxRetryAfterMs,
      transport: options.fetch ? fetchTransport(options.fetch) : undiciTransport(options.dispatcher),
      budget: this.rateBudget,
      logger,
      clock,
      sleep,
      random: options.random ?? Math.random,
      redactor,
    });
    let auth: Authenticator;
    if (config.auth.kind === 'oauth') {
      auth = new OAuthAuth({
        origin: config.origin,
        clientId: config.auth.clientId,
        clientSecret: config.auth.clientSecret,
        scopes: config.auth.scopes,
        refreshMarginMs: config.tokenRefreshMarginMs,
        cache: config.tokenCachePath ? new TokenCache(config.tokenCachePath, logger) : null,
        clock,
        logger,
        redactor,
        send: async (req) => {
          const res = await pipeline.json({
            method: 'POST',
            path: req.url,
            rawBody: req.body,
            headers: req.headers,
            auth: false,
            idempotent: true,
            accept: () => true,
          });
          return { status: res.status, body: res.body, retries: res.retries };
        },
      });
    } else {
      redactor.add(config.auth.apiToken);
      auth = new ApiTokenAuth(config.auth.apiToken);
    }
    pipeline.setAuth(auth);
    this.#pipeline = pipeline;
    this.settings = {
      baseUrl: config.origin,
      dataCenter: config.dataCenter,
      authKind: config.auth.kind,
      scopes: config.auth.kind === 'oauth' ? config.auth.scopes : undefined,
      maxRetries: config.maxRetries,
      retryDelayMs: config.retryDelayMs,
      timeoutMs: config.timeoutMs,
      rateShare: this.rateBudget.share,
      tokenCachePath: config.auth.kind === 'oauth' ? config.tokenCachePath : null,
    };
    const ctx: ResourceContext = {
      pipeline,
      origin: config.origin,
      clock,
      sleep,
      logger,
      retryDelayMs: config.retryDelayMs,
      timeoutMs: config.timeoutMs,
    };
    this.whoami = new WhoAmIResource(ctx);
    this.surveys = new Surveys(ctx);
    this.surveyDefinitions = new SurveyDefinitions(ctx);
    this.responseExports = new ResponseExports(ctx);
    this.responses = new Responses(ctx);
  }

  /**
   * Any endpoint through the same pipeline. `path` is relative to `/API/v3` ("surveys/SV_1/quotas"); a leading
   * version segment switches the API version ("v2/…" → `/API/v2/…`). Errors throw as usual, except a 404 when
   * `allow404` is set. POST/PATCH are treated as non-idempotent unless `opts.idempotent`.
   */
  async raw(method: string, path: string, body?: unknown, opts: RawOptions = {}): Promise<RawResponse> {
    const verb = method.toUpperCase() as HttpMethod;
    if (!METHODS.includes(verb)) {
      throw new InvalidParameterError('method', `method must be one of ${METHODS.join(', ')} (got ${JSON.stringify(method)})`);
    }
    const { version, rest } = splitVersion(path);
    const res = await this.#pipeline.json({
      method: verb,
      path: rest,
      version,
      ...(body !== undefined ? { body } : {}),
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.idempotent !== undefined ? { idempotent: opts.idempotent } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.allow404 ? { accept: (s: number) => s === 404 } : {}),
    });
    return { status: res.status, body: res.body, requestId: res.requestId };
  }
}

/** "v2/x" → v2 + "/x"; "/API/v3/x" and "x" → v3 + "/x". Absolute URLs pass through (checked against the origin). */
function splitVersion(path: string): { version: string; rest: string } {
  if (/^https?:\/\//i.test(path)) return { version: 'v3', rest: path };
  const trimmed = path.replace(/^\/+/, '').replace(/^API\//i, '');
  const m = /^(v\d+)(\/.*)?$/.exec(trimmed);
  if (m) return { version: m[1]!, rest: m[2] ?? '/' };
  return { version: 'v3', rest: `/${trimmed}` };
}
