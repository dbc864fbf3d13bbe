import { type Dispatcher, request } from 'undici';
import type { FetchLike } from '../options.ts';

/** One HTTP exchange as the pipeline sends it. */
export interface TransportRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
}

/** The answer, with the body still unread. */
export interface TransportResponse {
  status: number;
  /** Header value by lower-case name (first value when repeated). */
  header(name: string): string | undefined;
  body: AsyncIterable<Uint8Array>;
  /** Releases the response without reading the rest of its body. */
  discard(): Promise<void>;
}

export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** The default transport: undici `request()`, optionally through a caller's dispatcher. Never follows redirects. */
export function undiciTransport(dispatcher?: Dispatcher): Transport {
  return async (req) => {
    const res = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
      ...(dispatcher ? { dispatcher } : {}),
    });
    return {
      status: res.statusCode,
      header(name) {
        const v = res.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
      body: res.body,
      async discard() {
        await res.body.dump().catch(() => undefined);
      },
    };
  };
}

/** A transport over a `fetch` implementation. Redirects are not followed (credentials stay on one origin). */
export function fetchTransport(fetchFn: FetchLike): Transport {
  return async (req) => {
    const res = await fetchFn(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
      redirect: 'manual',
    });
    const stream = res.body;
    return {
      status: res.status,
      header: (name) => res.headers.get(name) ?? undefined,
      body: stream ?? emptyBody(),
      async discard() {
        await stream?.cancel().catch(() => undefined);
      },
    };
  };
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}

// Failures that happen before a single byte of the request is written: the server cannot have acted on it.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NODATA',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Finds the system/undici error code in an error's cause chain (fetch wraps it in `TypeError: fetch failed`). */
export function connectionErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = cause;
  }
  return undefined;
}

/** Whether a connection failure provably happened before the request was sent. */
export function isNotSent(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT_CODES.has(code);
}
