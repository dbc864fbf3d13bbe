import type { Handler } from 'hono';
import type { ServerState, SimContext, SimEnv } from './context.ts';
import { ErrorCodes, errorBody, jsonResponse, SimHttpError } from './envelope.ts';
import type { FaultDecision } from './faults.ts';
import { resetConnection, truncateResponse } from './raw-send.ts';
import { type RouteSpec, routeKey } from './route-table.ts';

/** A route's own work, after the pipeline has let the request through. */
export type RouteHandler = (c: SimContext, state: ServerState) => Response | Promise<Response>;

/** What an HTTP-layer proxy answers a POST/PUT that has neither `Content-Length` nor chunked encoding. */
const lengthRequiredHtml =
  '<html>\r\n<head><title>411 Length Required</title></head>\r\n<body>\r\n<center><h1>411 Length Required</h1></center>\r\n</body>\r\n</html>\r\n';

/**
 * The request pipeline in front of every Qualtrics route, in the order the real service shows it:
 * 411 for a bodyless POST (the HTTP layer, before app logic), injected faults, authentication (before any
 * validation), the leaky buckets, then the handler.
 */
export function apiRoute(spec: RouteSpec, state: ServerState, handler: RouteHandler): Handler<SimEnv> {
  const key = routeKey(spec);
  return async (c) => {
    c.set('route', key);
    if ((spec.method === 'POST' || spec.method === 'PUT') && isBodyless(c)) {
      return new Response(lengthRequiredHtml, { status: 411, headers: { 'content-type': 'text/html' } });
    }
    const fault = state.faults.decide({ method: spec.method, path: new URL(c.req.url).pathname, template: spec.path });
    const early = await applyFault(c, state, fault);
    if (early) return early;
    if (spec.auth) {
      state.auth.authenticate(c.req.header('authorization'), c.req.header('x-api-token'), spec.scope);
      if (!state.limiter.admit(state.user.brandId, key, spec.perMinute)) throw tooManyRequests(state);
    }
    const res = await handler(c, state);
    if (c.get('truncate') && c.get('sentStatus') === undefined) return truncateResponse(c, res);
    return res;
  };
}

/** Applies the fault decided for a request; returns a response when the fault answers instead of the route. */
async function applyFault(c: SimContext, state: ServerState, fault: FaultDecision): Promise<Response | undefined> {
  if (fault.revokeTokens) state.auth.revokeAll();
  if (fault.slowMs !== undefined && fault.slowMs > 0) await sleep(fault.slowMs);
  if (fault.reset) return resetConnection(c);
  if (fault.notice) {
    c.set('notice', `Request proxied. For faster response times, use this host instead: ${new URL(c.req.url).host}`);
  }
  if (fault.truncate) c.set('truncate', true);
  if (fault.exportFail) c.set('exportFail', true);
  if (fault.status === 429) throw tooManyRequests(state);
  if (fault.status !== undefined) return serverError(c, fault.status);
  return undefined;
}

function serverError(c: SimContext, status: 500 | 503 | 504): Response {
  const [code, message] =
    status === 500
      ? [ErrorCodes.internalError, 'Internal server error.']
      : status === 503
        ? [ErrorCodes.unavailable, 'Service temporarily unavailable. Please try again later.']
        : [ErrorCodes.gatewayTimeout, 'The server did not answer in time.'];
  const notice = c.get('notice');
  return jsonResponse(
    status,
    errorBody(status, code, message, { instanceId: crypto.randomUUID(), ...(notice ? { notice } : {}) }),
  );
}

/** 429 in the envelope; `Retry-After` only when the simulator was started with `--retry-after`. */
export function tooManyRequests(state: ServerState): SimHttpError {
  const headers: Record<string, string> =
    state.retryAfterSeconds === undefined ? {} : { 'retry-after': String(state.retryAfterSeconds) };
  return new SimHttpError(429, ErrorCodes.tooManyRequests, 'Too many requests. Please try again later.', headers);
}

function isBodyless(c: SimContext): boolean {
  return c.req.header('content-length') === undefined && c.req.header('transfer-encoding') === undefined;
}

/** A delay that does not keep the process alive on its own (the server's sockets do that). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
