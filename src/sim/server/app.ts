import { Hono } from 'hono';
import type { BuildExport, SimWorld } from '../contract.ts';
import { AuthService, type SimCredentials } from './auth.ts';
import type { ServerShapes, ServerState, SimEnv, SimUser } from './context.ts';
import { controlApp } from './control.ts';
import { errorBody, jsonResponse, routeLessNotFoundBody, SimHttpError } from './envelope.ts';
import { ExportJobs } from './export-jobs.ts';
import { FaultInjector } from './faults.ts';
import { apiRoute, type RouteHandler } from './pipeline.ts';
import { RateLimiter, type RateLimiterOptions } from './rate-limit.ts';
import { honoPath, type RouteName, routeTable } from './route-table.ts';
import { createResponse, deleteResponse, getResponse, updateResponse } from './routes-responses.ts';
import { exportFile, exportProgress, startExport } from './routes-exports.ts';
import { getSurvey, getSurveyDefinition, listFilters, listSurveys, whoami } from './routes-surveys.ts';
import { StatsRecorder } from './stats.ts';

/** Everything the HTTP side needs; the CLI fills it from flags, tests inject their own world. */
export interface SimAppOptions {
  world: SimWorld;
  shapes: ServerShapes;
  buildExport: BuildExport;
  credentials: SimCredentials;
  /** Rate limits: brand limit (default 3000/min), per-endpoint scale (default 1), burst, bucket clock. */
  rateLimit?: RateLimiterOptions;
  /** Seconds for a `Retry-After` header on 429s; default none (the real API sends none). */
  retryAfterSeconds?: number;
  /** Simulated ms an export job takes (default 1000). */
  exportDelayMs?: number;
  /** OAuth token lifetime in simulated seconds (default 3600). */
  tokenTtlSeconds?: number;
  /** Simulated ms after completion during which GET single response answers 202 (default 5000). */
  notYetAvailableMs?: number;
  /** `datacenter` reported by whoami (default `sim1`). */
  datacenter?: string;
}

/** The app and the stateful parts tests and the control API reach into. */
export interface SimApp {
  app: Hono<SimEnv>;
  state: ServerState;
}

const handlers: Record<RouteName, RouteHandler> = {
  token: async (c, state) => {
    const answer = state.auth.issueToken(c.req.header('authorization'), c.req.header('content-type'), await c.req.text());
    return jsonResponse(200, answer, { 'cache-control': 'no-store' });
  },
  whoami,
  listSurveys,
  getSurvey,
  getSurveyDefinition,
  listFilters,
  startExport,
  exportProgress,
  exportFile,
  getResponse,
  createResponse,
  updateResponse,
  deleteResponse,
};

/** Builds the simulator's hono app: Qualtrics routes, `/_sim` control API, stats, and error envelopes. */
export function createSimApp(opts: SimAppOptions): SimApp {
  const state: ServerState = {
    world: opts.world,
    shapes: opts.shapes,
    deleted: new Map(),
    buildExport: opts.buildExport,
    auth: new AuthService(opts.credentials, opts.world.clock, opts.tokenTtlSeconds ?? 3600),
    jobs: new ExportJobs(opts.world, opts.buildExport, opts.exportDelayMs ?? 1000),
    faults: new FaultInjector(opts.world.seed),
    stats: new StatsRecorder(),
    limiter: new RateLimiter(opts.rateLimit),
    user: userOf(opts.world, opts.datacenter ?? 'sim1'),
    retryAfterSeconds: opts.retryAfterSeconds,
    notYetAvailableMs: opts.notYetAvailableMs ?? 5000,
  };
  // Not strict: real clients (qualtRics among them) call routes with a trailing slash and Qualtrics accepts it.
  const app = new Hono<SimEnv>({ strict: false });
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.get('route');
    if (route === undefined && new URL(c.req.url).pathname.startsWith('/_sim/')) return;
    const sent = c.get('sentStatus');
    state.stats.record(route ?? 'unmatched', sent ?? c.res.status);
    if (sent === undefined) c.res.headers.set('request-time', String(Math.round(performance.now() - started)));
  });
  app.route('/_sim', controlApp(state));
  for (const name of Object.keys(routeTable) as RouteName[]) {
    const spec = routeTable[name];
    app.on(spec.method, honoPath(spec.path), apiRoute(spec, state, handlers[name]));
  }
  app.notFound(() => jsonResponse(404, routeLessNotFoundBody));
  app.onError((err, c) => {
    const notice = c.get('notice');
    if (err instanceof SimHttpError) {
      return jsonResponse(
        err.status,
        errorBody(err.status, err.errorCode, err.errorMessage, notice ? { notice } : {}),
        err.headers,
      );
    }
    // An unexpected failure is answered like Qualtrics' own 500s; the detail goes to stderr, not into the body.
    process.stderr.write(`qsync sim: ${c.req.method} ${new URL(c.req.url).pathname} failed: ${oneLine(err)}\n`);
    return jsonResponse(500, errorBody(500, 'GEN_1', 'Internal server error.', { instanceId: crypto.randomUUID() }));
  });
  return { app, state };
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}

function userOf(world: SimWorld, datacenter: string): SimUser {
  const first = world.surveys()[0];
  const brandId = first?.brandId ?? 'simbrand';
  return {
    brandId,
    userId: first?.ownerId ?? 'UR_simulatoruser01',
    userName: `simulator#${brandId}`,
    accountType: 'UT_BRANDADMIN',
    firstName: 'Sim',
    lastName: 'User',
    email: `sim.user@${brandId}.example`,
    datacenter,
  };
}
