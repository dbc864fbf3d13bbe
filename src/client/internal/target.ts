import { QualtricsError } from '../errors.ts';
import { classifyEndpoint, type EndpointInfo } from './endpoints.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** One logical request, before retries. */
export interface RequestSpec {
  method: HttpMethod;
  /**
   * Path under `/API/{version}` (e.g. "/surveys/SV_1"), or an absolute URL on the client's origin (a `nextPage`,
   * the OAuth token endpoint).
   */
  path: string;
  /** API version segment; default "v3". */
  version?: string;
  /** Query parameters; undefined values are left out. Never logged. */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Pre-encoded body (a form); wins over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Safe to repeat? Default: true for GET/PUT/DELETE, false for POST/PATCH. */
  idempotent?: boolean;
  /** Send credentials (default true; false for the token request itself). */
  auth?: boolean;
  signal?: AbortSignal | undefined;
  /** Non-2xx statuses to return (after the retry policy) instead of throwing. */
  accept?: (status: number) => boolean;
  /** Overrides the client's per-request timeout (ms). */
  timeoutMs?: number;
}

/** Where a request goes and how it is classified. */
export interface Target {
  url: string;
  /** Path without query string, for error messages. */
  path: string;
  endpoint: EndpointInfo;
  body: string | undefined;
}

/** Resolves a spec against the client's origin; refuses absolute URLs that leave it. */
export function resolveTarget(origin: string, spec: RequestSpec): Target {
  const base = new URL(origin);
  const prefix = base.pathname.replace(/\/+$/, '');
  let url: URL;
  if (/^https?:\/\//i.test(spec.path)) {
    url = new URL(spec.path);
    if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`)) {
      throw new QualtricsError(`refusing to send credentials to ${url.host}: the URL leaves the configured Qualtrics origin ${base.host}`);
    }
  } else {
    const rel = spec.path.startsWith('/') ? spec.path : `/${spec.path}`;
    url = new URL(`${origin}/API/${spec.version ?? 'v3'}${rel}`);
  }
  for (const [k, v] of Object.entries(spec.query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  const path = url.pathname;
  const apiRoot = `${prefix}/API/v3`;
  const apiPath = path.startsWith(`${apiRoot}/`) ? path.slice(apiRoot.length) : undefined;
  const endpoint = classifyEndpoint(spec.method, apiPath, path.slice(prefix.length));
  const body = spec.rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
  return { url: url.toString(), path, endpoint, body };
}
