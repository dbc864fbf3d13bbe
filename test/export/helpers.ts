import yazl from 'yazl';
import { APIUserAbortError, type FetchLike, QualtricsClient } from '../../src/client/index.ts';

/** A scripted answer: a Response factory, or an error thrown by fetch. */
export type Answer = (() => Response) | Error;

/**
 * A scripted `fetch`: each `METHOD path-regex` route answers its list in order and repeats the last answer.
 * Records every request so tests can count them.
 */
export function scriptedFetch(routes: Array<[string, RegExp, Answer[]]>) {
  const seen: Array<{ method: string; path: string; body: string | undefined }> = [];
  const used = new Map<number, number>();
  const fetch: FetchLike = async (url, init) => {
    const method = init.method ?? 'GET';
    const path = new URL(url).pathname;
    seen.push({ method, path, body: typeof init.body === 'string' ? init.body : undefined });
    if (init.signal?.aborted) throw init.signal.reason;
    const index = routes.findIndex(([m, re]) => m === method && re.test(path));
    if (index < 0) throw new Error(`scripted fetch: no route for ${method} ${path}`);
    const answers = routes[index]![2];
    const n = used.get(index) ?? 0;
    used.set(index, n + 1);
    const answer = answers[Math.min(n, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer();
  };
  return { fetch, seen, count: (method: string, re: RegExp) => seen.filter((s) => s.method === method && re.test(s.path)).length };
}

/** A 200 envelope. */
export const ok = (result: unknown) => () =>
  new Response(JSON.stringify({ result, meta: { httpStatus: '200 - OK', requestId: 'req-1' } }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

/** An error envelope. */
export const fail = (status: number, errorCode = 'E_1', errorMessage = 'failed') => () =>
  new Response(JSON.stringify({ meta: { httpStatus: `${status} - Error`, requestId: 'req-2', error: { errorCode, errorMessage } } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/** A binary answer with an optional (possibly lying) Content-Length. */
export const bytes = (body: Buffer, contentLength?: number) => () =>
  new Response(new Uint8Array(body), {
    status: 200,
    headers: { 'content-type': 'application/octet-stream', ...(contentLength !== undefined ? { 'content-length': String(contentLength) } : {}) },
  });

/** A connection failure as fetch reports it (`TypeError: fetch failed` caused by a coded system error). */
export function connError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

/** A zip holding one entry, built with yazl as Qualtrics builds its downloads. */
export function zipOf(name: string, content: string, options: { compress?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(content), name, { compress: options.compress ?? true });
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => parts.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** A fake clock whose sleeps advance it at once, recording each wait. */
export function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
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

export const SV = 'SV_0123456789abcde';

/** A client over a scripted fetch with instant, recorded waits. */
export function scriptedClient(fetch: FetchLike, time = fakeTime()): QualtricsClient {
  return new QualtricsClient({
    baseUrl: 'https://iad1.qualtrics.com',
    apiToken: 'test-token-123456',
    fetch,
    env: {},
    retryDelayMs: 1,
    clock: { now: time.now },
    sleep: time.sleep,
  });
}
