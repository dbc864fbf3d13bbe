import { QualtricsError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../options.ts';
import { assertSameOrigin, type Page, PagedList } from '../pagination.ts';
import type { Pipeline, RequestSpec } from './pipeline.ts';
import type { SleepFn } from './sleep.ts';

/** Options every resource method takes. */
export interface RequestOptions {
  /** Aborts the request, its retries and waits; rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Overrides the client's per-request timeout (ms). */
  timeoutMs?: number;
}

/** What resources share: the pipeline and the client's clock, sleep and timing settings. */
export interface ResourceContext {
  pipeline: Pipeline;
  origin: string;
  clock: Clock;
  sleep: SleepFn;
  logger: Logger;
  retryDelayMs: number;
  timeoutMs: number;
}

/** Base of the resource modules (openai-node `APIResource`). */
export abstract class APIResource {
  constructor(protected readonly ctx: ResourceContext) {}

  /** Sends a request and returns the envelope's `result`. */
  protected async result<T>(spec: RequestSpec, opts: RequestOptions = {}): Promise<T> {
    const res = await this.ctx.pipeline.json(withOptions(spec, opts));
    return resultOf(res.body) as T;
  }

  /**
   * A list endpoint: `result.elements` paged by `result.nextPage`. `validate` runs before the first request, so
   * that a bad parameter rejects the await or the iteration like any other failure.
   */
  protected paged<T>(spec: RequestSpec, opts: RequestOptions = {}, validate?: () => void): PagedList<T> {
    return new PagedList<T>(async (next) => {
      validate?.();
      if (next !== undefined) assertSameOrigin(next, this.ctx.origin);
      const pageSpec: RequestSpec = next === undefined ? spec : { method: 'GET', path: next };
      const res = await this.ctx.pipeline.json(withOptions(pageSpec, opts));
      return pageOf<T>(resultOf(res.body), spec.path);
    });
  }
}

export function withOptions(spec: RequestSpec, opts: RequestOptions): RequestSpec {
  return {
    ...spec,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  };
}

/** The `result` of an envelope (undefined when the answer carried none, e.g. a DELETE). */
export function resultOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'result' in body ? (body as { result: unknown }).result : undefined;
}

function pageOf<T>(result: unknown, path: string): Page<T> {
  const r = result as { elements?: unknown; nextPage?: unknown } | undefined;
  if (!r || !Array.isArray(r.elements)) {
    throw new QualtricsError(`Qualtrics answered a list request (${path}) without result.elements`);
  }
  const next = typeof r.nextPage === 'string' && r.nextPage !== '' ? r.nextPage : null;
  return { elements: r.elements as T[], nextPage: next };
}
