import { APIUserAbortError } from '../../../src/client/errors.ts';
import type { Clock, FetchLike, Logger } from '../../../src/client/index.ts';

/** A request as the scripted server saw it. */
export interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

/** What the scripted server answers: a reply spec, a thrown error, or a function of the request. */
export type Reply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | Error
  | ((req: Seen, signal: AbortSignal | undefined) => Response | Promise<Response>);

interface Route {
  method: string;
  path: string | RegExp;
  replies: Reply[];
  used: number;
}

/**
 * A tiny scripted `fetch` (openai-node tests/utils/mock-fetch.ts): routes by method and path; each route answers
 * its replies in order and repeats the last one. Unrouted requests fail the test loudly.
 */
export class Script {
  readonly seen: Seen[] = [];
  private readonly routes: Route[] = [];

  on(method: string, path: string | RegExp, ...replies: Reply[]): this {
    this.routes.push({ method, path, replies, used: 0 });
    return this;
  }

  /** Requests whose path matches. */
  calls(path: string | RegExp, method?: string): Seen[] {
    return this.seen.filter((s) => matches(path, s.url.pathname) && (!method || s.method === method));
  }

  readonly fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
    const seen: Seen = {
      method: init.method ?? 'GET',
      url: new URL(url),
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    this.seen.push(seen);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    const route = this.routes.find((r) => r.method === seen.method && matches(r.path, seen.url.pathname));
    if (!route) throw new Error(`scripted fetch: no route for ${seen.method} ${seen.url.pathname}`);
    const reply = route.replies[Math.min(route.used, route.replies.length - 1)]!;
    route.used++;
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(seen, signal);
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? null);
    return new Response(body, {
      status: reply.status ?? 200,
      headers: { ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers },
    });
  };
}

function matches(path: string | RegExp, actual: string): boolean {
  return typeof path === 'string' ? actual === path : path.test(actual);
}

let counter = 0;
const rid = () => `req-${(++counter).toString().padStart(4, '0')}`;

/** A 200 envelope. */
export function ok(result: unknown, meta: Record<string, unknown> = {}): Reply {
  return { status: 200, json: { result, meta: { httpStatus: '200 - OK', requestId: rid(), ...meta } } };
}

/** An error envelope as Qualtrics writes it. */
export function fail(status: number, errorCode: string, errorMessage: string, opts: { requestId?: string; headers?: Record<string, string> } = {}): Reply {
  const reason: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return {
    status,
    json: { meta: { httpStatus: `${status} - ${reason[status] ?? 'Error'}`, error: { errorCode, errorMessage }, requestId: opts.requestId ?? rid() } },
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
}

/** A connection failure as fetch reports it: `TypeError: fetch failed` caused by a system error with `code`. */
export function connError(code: string): Error {
  const cause = Object.assign(new Error(`${code} 203.0.113.9:443`), { code });
  return new TypeError('fetch failed', { cause });
}

/** A reply that never comes: resolves only by rejecting when the request's signal aborts. */
export const hang: Reply = (_req, signal) =>
  new Promise<Response>((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** A fake clock whose sleeps advance it instantly and are recorded. */
export function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = { now: () => now };
  return {
    clock,
    sleeps,
    advance(ms: number) {
      now += ms;
    },
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new APIUserAbortError();
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A logger collecting every line as JSON text. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => {
    lines.push(JSON.stringify({ level, msg, ...obj }));
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Survey ids of the right shape. */
export const SV = 'SV_0123456789abcde';
export const SV2 = 'SV_abcdefghij12345';
export const RID = 'R_1LhrGmMRBpGsF5a';
