import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { BuildExport, SimShapes, SimSurvey, SimWorld } from '../contract.ts';
import type { AuthService } from './auth.ts';
import { ErrorCodes, jsonResponse, SimHttpError, successBody } from './envelope.ts';
import type { ExportJobs } from './export-jobs.ts';
import type { FaultInjector } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { StatsRecorder } from './stats.ts';

/** Per-request values the pipeline hands to handlers and to the stats middleware. */
export interface SimVariables {
  /** Templated route key for stats, e.g. `GET /API/v3/surveys/{surveyId}`. */
  route: string;
  /** `meta.notice` to add to this request's envelope (the "Request proxied" fault). */
  notice: string;
  /** Truncate this request's body (fault). */
  truncate: boolean;
  /** The export job this request starts must end `failed` (fault). */
  exportFail: boolean;
  /** Status to count in stats when the handler wrote to the socket itself (`"reset"` for a destroyed one). */
  sentStatus: string;
}

export type SimEnv = { Bindings: Partial<HttpBindings>; Variables: SimVariables };
export type SimContext = Context<SimEnv>;

/** The user `GET /whoami` describes. */
export interface SimUser {
  brandId: string;
  userId: string;
  userName: string;
  accountType: string;
  firstName: string;
  lastName: string;
  email: string;
  datacenter: string;
}

/** `responseCounts` of GET /surveys/{id}. */
export interface ResponseCounts {
  auditable: number;
  generated: number;
  deleted: number;
}

/** The contract's shapes; `surveyLegacy` may take the live response counts as a second argument. */
export type ServerShapes = Omit<SimShapes, 'surveyLegacy'> & {
  surveyLegacy(survey: SimSurvey, counts?: ResponseCounts): Record<string, unknown>;
};

/** Everything the routes share. One instance per simulator. */
export interface ServerState {
  world: SimWorld;
  shapes: ServerShapes;
  /** Responses deleted per survey since start (through the API or the control API), for `responseCounts`. */
  deleted: Map<string, number>;
  auth: AuthService;
  jobs: ExportJobs;
  faults: FaultInjector;
  stats: StatsRecorder;
  limiter: RateLimiter;
  buildExport: BuildExport;
  user: SimUser;
  /** Seconds for `Retry-After` on 429s; undefined = no header, like the real API. */
  retryAfterSeconds: number | undefined;
  /** Simulated ms after completion during which a single-response GET answers 202. */
  notYetAvailableMs: number;
}

/** A 200 (or other 2xx) envelope, carrying the request's notice if a fault set one. */
export function ok(
  c: SimContext,
  result: unknown,
  opts: { status?: number; metaFirst?: boolean; omitResult?: boolean } = {},
): Response {
  const notice = c.get('notice');
  return jsonResponse(opts.status ?? 200, successBody(result, notice === undefined ? {} : { notice }, opts));
}

/** Reads a JSON body; an empty or malformed one is a 400. */
export async function readJson(c: SimContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new SimHttpError(400, ErrorCodes.invalidRequest, 'A JSON request body is required.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SimHttpError(400, ErrorCodes.invalidRequest, 'The request body is not valid JSON.');
  }
}

/** The survey named in the path, or 404. */
export function requireSurvey(state: ServerState, surveyId: string): SimSurvey {
  const survey = state.world.survey(surveyId);
  if (!survey) throw new SimHttpError(404, ErrorCodes.surveyNotFound, 'Survey not found.');
  return survey;
}

/** A path parameter (hono guarantees it for the routes that declare it). */
export function param(c: SimContext, name: string): string {
  return c.req.param(name) ?? '';
}
