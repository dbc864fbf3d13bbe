import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, QualtricsError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../options.ts';
import type { RateBudget } from '../rate-budget.ts';
import type { Authenticator, Credentials } from './auth.ts';
import { errorBody, parseJson, readText } from './body.ts';
import { makeAPIError, readMeta } from './error-factory.ts';
import type { Redactor } from './redact.ts';
import { type AttemptFailure, parseRetryAfter, retryDelayMs, shouldRetry } from './retry.ts';
import type { SleepFn } from './sleep.ts';
import { resolveTarget, type RequestSpec, type Target } from './target.ts';
import { connectionErrorCode, isNotSent, type Transport, type TransportResponse } from './transport.ts';

export type { HttpMethod, RequestSpec } from './target.ts';

/** A JSON (or empty) answer: 2xx, or a non-2xx status the request declared acceptable. */
export interface JsonResponse {
  status: number;
  /** Parsed body (the whole envelope). */
  body: unknown;
  requestId: string | undefined;
  header(name: string): string | undefined;
  /** Retries spent before this answer. */
  retries: number;
}

/** A 2xx answer whose body the caller streams. */
export interface StreamHandle {
  status: number;
  header(name: string): string | undefined;
  body: AsyncIterable<Uint8Array>;
  /** Aborts the underlying request (used for the idle timeout between chunks). */
  abort(): void;
  /** Path template of the request, safe to log. */
  template: string;
  /** Request path without query, for error messages. */
  path: string;
}

export interface PipelineDeps {
  origin: string;
  maxRetries: number;
  retryDelayMs: number;
  timeoutMs: number;
  maxRetryAfterMs: number;
  transport: Transport;
  budget: RateBudget;
  logger: Logger;
  clock: Clock;
  sleep: SleepFn;
  random: () => number;
  redactor: Redactor;
}

/** Largest successful JSON body read into memory, and largest error body kept (bytes). */
const JSON_LIMIT = 256 * 1024 * 1024;
const ERROR_LIMIT = 64 * 1024;

interface Attempt {
  signal: AbortSignal;
  controller: AbortController;
  timedOut(): boolean;
  /** Clears the timeout (the body is read, or handed to the caller). */
  done(): void;
}

type Outcome<T> =
  | { type: 'ok'; value: T }
  | { type: 'replay' }
  | { type: 'failed'; failure: AttemptFailure; retryAfterMs?: number | undefined; status?: number; body?: unknown; res?: TransportResponse; code?: string; detail?: string };

interface Mode<T> {
  accept: string;
  /** Turns a 2xx answer into the result; may read the body while the attempt's timeout runs. */
  success(res: TransportResponse, attempt: Attempt, target: Target, retries: number): Promise<T>;
  /** Turns a declared-acceptable non-2xx answer into the result (JSON mode only). */
  accepted?(status: number, body: unknown, res: TransportResponse, retries: number): T;
}

/**
 * The one request path (DESIGN.md invariant 3): rate budget → retry policy → auth → transport, for every call of
 * the client, the OAuth token request included. Handles timeouts, abort signals, 401 refresh-and-replay-once,
 * envelopes, notices and the mapping of failures to the error tree.
 */
export class Pipeline {
  #auth: Authenticator | undefined;
  readonly #notices = new Set<string>();

  constructor(private readonly deps: PipelineDeps) {}

  setAuth(auth: Authenticator): void {
    this.#auth = auth;
  }

  get origin(): string {
    return this.deps.origin;
  }

  /** Sends a request and parses its JSON answer. Non-2xx statuses throw unless `spec.accept` admits them. */
  json(spec: RequestSpec): Promise<JsonResponse> {
    return this.run<JsonResponse>(spec, {
      accept: 'application/json',
      success: async (res, attempt, target, retries) => {
        const { text, truncated } = await readText(res.body, JSON_LIMIT);
        attempt.done();
        const parsed = parseJson(text);
        if (truncated || !parsed.ok) {
          throw new QualtricsError(
            `Qualtrics answered HTTP ${res.status} with ${truncated ? 'an oversized' : 'a non-JSON'} body (content-type ${res.header('content-type') ?? 'none'}) on ${spec.method} ${target.path}`,
          );
        }
        this.notice(parsed.value, target);
        return { status: res.status, body: parsed.value, requestId: readMeta(parsed.value).requestId, header: (n) => res.header(n), retries };
      },
      accepted: (status, body, res, retries) => ({ status, body, requestId: readMeta(body).requestId, header: (n) => res.header(n), retries }),
    });
  }

  /** Sends a request and hands back a 2xx body to stream; the caller must consume or abort it. */
  stream(spec: RequestSpec): Promise<StreamHandle> {
    return this.run<StreamHandle>(spec, {
      accept: '*/*',
      success: async (res, attempt, target) => {
        attempt.done();
        return {
          status: res.status,
          header: (n) => res.header(n),
          body: res.body,
          abort: () => attempt.controller.abort(),
          template: target.endpoint.template,
          path: target.path,
        };
      },
    });
  }

  private async run<T>(spec: RequestSpec, mode: Mode<T>): Promise<T> {
    const target = resolveTarget(this.deps.origin, spec);
    const idempotent = spec.idempotent ?? (spec.method !== 'POST' && spec.method !== 'PATCH');
    let retries = 0;
    let replayed = false;
    for (;;) {
      if (spec.signal?.aborted) throw new APIUserAbortError();
      await this.deps.budget.acquire(target.endpoint, spec.signal);
      const credentials = spec.auth === false ? undefined : await this.requireAuth().authorize(spec.signal);
      const sentAt = this.deps.clock.now();
      const outcome = await this.attempt(spec, mode, target, credentials, retries, replayed);
      if (outcome.type === 'ok') return outcome.value;
      if (outcome.type === 'replay') {
        replayed = true;
        await this.requireAuth().invalidate(credentials!);
        continue;
      }
      const decision = shouldRetry({
        failure: outcome.failure,
        retriesSoFar: retries,
        maxRetries: this.deps.maxRetries,
        idempotent,
        retryAfterMs: outcome.retryAfterMs,
        maxRetryAfterMs: this.deps.maxRetryAfterMs,
      });
      if (outcome.failure.kind === 'status' && outcome.failure.status === 429) this.deps.budget.penalize(target.endpoint, sentAt);
      if (!decision.retry) {
        if (outcome.status !== undefined && outcome.res && mode.accepted && spec.accept?.(outcome.status)) {
          return mode.accepted(outcome.status, outcome.body, outcome.res, retries);
        }
        throw this.finalError(spec, target, outcome, retries, idempotent);
      }
      const delay = retryDelayMs({ retryIndex: retries, baseMs: this.deps.retryDelayMs, random: this.deps.random, retryAfterMs: outcome.retryAfterMs });
      this.deps.logger.warn(
        { method: spec.method, path: target.endpoint.template, status: outcome.status, code: outcome.code, retry: retries + 1, delayMs: delay },
        'retrying Qualtrics request',
      );
      await this.deps.sleep(delay, spec.signal);
      retries++;
    }
  }

  private async attempt<T>(spec: RequestSpec, mode: Mode<T>, target: Target, credentials: Credentials | undefined, retries: number, replayed: boolean): Promise<Outcome<T>> {
    const attempt = startAttempt(spec.signal, spec.timeoutMs ?? this.deps.timeoutMs);
    const started = this.deps.clock.now();
    const log = { method: spec.method, path: target.endpoint.template, attempt: retries + 1 };
    try {
      const res = await this.deps.transport({
        url: target.url,
        method: spec.method,
        headers: { ...this.baseHeaders(spec, mode.accept), ...spec.headers, ...credentials?.headers },
        body: target.body,
        signal: attempt.signal,
      });
      if (res.status === 401 && credentials?.refreshable && !replayed) {
        await res.discard();
        attempt.done();
        this.deps.logger.debug({ ...log, status: 401, durationMs: this.deps.clock.now() - started }, 'Qualtrics request');
        return { type: 'replay' };
      }
      if (res.status >= 200 && res.status < 300) {
        const value = await mode.success(res, attempt, target, retries);
        this.deps.logger.debug({ ...log, status: res.status, durationMs: this.deps.clock.now() - started, requestId: (value as { requestId?: string }).requestId }, 'Qualtrics request');
        return { type: 'ok', value };
      }
      const { text } = await readText(res.body, ERROR_LIMIT);
      attempt.done();
      const body = errorBody(text);
      const requestId = readMeta(body).requestId;
      this.deps.logger.debug({ ...log, status: res.status, durationMs: this.deps.clock.now() - started, requestId }, 'Qualtrics request');
      const retryAfterMs = parseRetryAfter(res.header('retry-after'), this.deps.clock.now());
      return { type: 'failed', failure: { kind: 'status', status: res.status }, status: res.status, body, res, retryAfterMs };
    } catch (err) {
      attempt.done();
      if (spec.signal?.aborted) throw new APIUserAbortError();
      if (err instanceof QualtricsError) throw err;
      if (attempt.timedOut()) return { type: 'failed', failure: { kind: 'timeout' }, code: 'TIMEOUT' };
      const code = connectionErrorCode(err);
      const detail = err instanceof Error ? err.message : String(err);
      this.deps.logger.debug({ ...log, code, durationMs: this.deps.clock.now() - started }, 'Qualtrics request failed');
      return { type: 'failed', failure: { kind: 'connection', notSent: isNotSent(code) }, code, detail };
    }
  }

  private finalError(spec: RequestSpec, target: Target, outcome: Extract<Outcome<unknown>, { type: 'failed' }>, retries: number, idempotent: boolean): QualtricsError {
    const redact = (t: string) => this.deps.redactor.redact(t);
    const where = `${spec.method} ${target.path}`;
    const retried = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
    const unsafe = !idempotent ? `; not retried: ${spec.method} ${target.endpoint.template} is not idempotent and the request may have reached Qualtrics (check whether it took effect before repeating it)` : '';
    const { failure } = outcome;
    if (failure.kind === 'status') {
      return makeAPIError({
        status: failure.status,
        body: outcome.body,
        method: spec.method,
        path: target.path,
        authKind: spec.auth === false ? 'none' : (this.#auth?.kind ?? 'none'),
        scope: target.endpoint.scope,
        notFound: target.endpoint.notFound,
        retries,
        retryAfterMs: outcome.retryAfterMs,
        redact,
      });
    }
    if (failure.kind === 'timeout') {
      const ms = spec.timeoutMs ?? this.deps.timeoutMs;
      return new APIConnectionTimeoutError(redact(`Qualtrics did not answer within ${ms} ms (${where})${retried}${unsafe}`), { code: 'TIMEOUT' });
    }
    const host = new URL(target.url).host;
    return new APIConnectionError(redact(`could not reach Qualtrics at ${host}: ${outcome.code ?? outcome.detail ?? 'connection failed'} (${where})${retried}${failure.notSent ? '' : unsafe}`), {
      code: outcome.code,
      notSent: failure.notSent,
    });
  }

  private baseHeaders(spec: RequestSpec, accept: string): Record<string, string> {
    const headers: Record<string, string> = { Accept: accept, 'User-Agent': `qsync (node ${process.version})` };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    return headers;
  }

  private notice(body: unknown, target: Target): void {
    const { notice } = readMeta(body);
    if (notice && !this.#notices.has(notice)) {
      this.#notices.add(notice);
      this.deps.logger.warn({ path: target.endpoint.template, notice }, 'Qualtrics notice');
    }
  }

  private requireAuth(): Authenticator {
    if (!this.#auth) throw new QualtricsError('internal: the pipeline has no authenticator');
    return this.#auth;
  }
}

function startAttempt(user: AbortSignal | undefined, timeoutMs: number): Attempt {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  return {
    controller,
    signal: user ? AbortSignal.any([user, controller.signal]) : controller.signal,
    timedOut: () => timedOut,
    done: () => clearTimeout(timer),
  };
}
