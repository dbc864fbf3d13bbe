import { createHash } from 'node:crypto';
import type { BuildExport, SimClock, SimShapes, SimWorld } from './contract.ts';
import { buildExport as realBuildExport } from './export/index.ts';
import { createSimApp } from './server/app.ts';
import type { SimCredentials } from './server/auth.ts';
import type { ServerState } from './server/context.ts';
import { listen } from './server/listen.ts';
import { createClock, createWorld } from './world/index.ts';
import { shapes as realShapes } from './world/shapes.ts';

export type { SimCredentials } from './server/auth.ts';
export type { StatsSnapshot } from './server/stats.ts';

/** Options of `startSimulator`; every one has a default, so `startSimulator()` runs a usable simulator. */
export interface StartSimulatorOptions {
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Seed of the generated world and of the default credentials (default 1). */
  seed?: number;
  /** Number of generated surveys (default 3). */
  surveys?: number;
  /** Completed responses generated per survey (default 100). */
  responsesPerSurvey?: number;
  /** Brand-wide rate limit in requests/minute (default 3000). */
  brandLimitPerMin?: number;
  /** Multiplier of every per-endpoint rate limit (default 1). */
  rateScale?: number;
  /** Seconds of traffic at the limit a bucket absorbs at once (default 5). */
  burstSeconds?: number;
  /** Millisecond clock of the rate-limit buckets (default `performance.now`); tests inject a manual one. */
  rateClock?: () => number;
  /** Send `Retry-After: <s>` on 429s (default: no header, like the real API). */
  retryAfterSeconds?: number;
  /** Simulated ms an export job takes to complete (default 1000). */
  exportDelayMs?: number;
  /** OAuth access-token lifetime in simulated seconds (default 3600). */
  tokenTtlSeconds?: number;
  /** Simulated ms after completion during which a single response answers 202 (default 5000). */
  notYetAvailableMs?: number;
  /** Credentials; each defaults to a value derived from the seed. */
  clientId?: string;
  clientSecret?: string;
  apiToken?: string;
  /** The simulated clock (default: real time, movable with `POST /_sim/clock`). */
  clock?: SimClock;
  /** Inject a world instead of generating one from the seed (tests). */
  world?: SimWorld;
  /** Inject response-body shapes and the export builder (tests). */
  shapes?: SimShapes;
  buildExport?: BuildExport;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL: `/oauth2/token` at its root, the API under `/API/v3/`, the control API under `/_sim/`. */
  url: string;
  host: string;
  port: number;
  clientId: string;
  clientSecret: string;
  apiToken: string;
  surveyIds: string[];
  world: SimWorld;
  /** The server's live state (stats, faults, limiter, export jobs), for in-process tests and benchmarks. */
  state: ServerState;
  /** Closes the server and its connections; resolves when nothing is left open. */
  close(): Promise<void>;
}

/** Credentials derived from the seed, in the shapes Qualtrics uses (32-hex client id, long secret, 40-char token). */
export function deriveCredentials(seed: number): SimCredentials {
  const digest = (label: string) => createHash('sha256').update(`qsync-sim/${seed}/${label}`).digest();
  const alnum = (buf: Buffer, n: number) =>
    [...buf]
      .map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62])
      .join('')
      .slice(0, n);
  return {
    clientId: digest('client-id').toString('hex').slice(0, 32),
    clientSecret: alnum(Buffer.concat([digest('client-secret'), digest('client-secret/2')]), 64),
    apiToken: alnum(Buffer.concat([digest('api-token'), digest('api-token/2')]), 40),
  };
}

/** Starts the Qualtrics simulator on `host:port`. Rejects on an invalid option or an address already in use. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  checkOptions(options);
  const clock = options.world?.clock ?? options.clock ?? createClock();
  const world =
    options.world ??
    createWorld({ seed, surveys: options.surveys ?? 3, responsesPerSurvey: options.responsesPerSurvey ?? 100, clock });
  const derived = deriveCredentials(seed);
  const credentials: SimCredentials = {
    clientId: options.clientId ?? derived.clientId,
    clientSecret: options.clientSecret ?? derived.clientSecret,
    apiToken: options.apiToken ?? derived.apiToken,
  };
  const rateLimit = {
    brandPerMinute: options.brandLimitPerMin ?? 3000,
    scale: options.rateScale ?? 1,
    burstSeconds: options.burstSeconds ?? 5,
    ...(options.rateClock ? { now: options.rateClock } : {}),
  };
  const sim = createSimApp({
    world,
    shapes: options.shapes ?? realShapes,
    buildExport: options.buildExport ?? realBuildExport,
    credentials,
    rateLimit,
    exportDelayMs: options.exportDelayMs ?? 1000,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    notYetAvailableMs: options.notYetAvailableMs ?? 5000,
    ...(options.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: options.retryAfterSeconds }),
  });
  const server = await listen(sim, options.host ?? '127.0.0.1', options.port ?? 0);
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    ...credentials,
    surveyIds: world.surveys().map((s) => s.id),
    world,
    state: sim.state,
    close: () => server.close(),
  };
}

function checkOptions(o: StartSimulatorOptions): void {
  const problems: string[] = [];
  const int = (name: keyof StartSimulatorOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = o[name];
    if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
    }
  };
  const positive = (name: keyof StartSimulatorOptions) => {
    const v = o[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) {
      problems.push(`${name} must be a number > 0`);
    }
  };
  int('port', 0, 65535);
  int('seed', 0);
  int('surveys', 1, 10_000);
  int('responsesPerSurvey', 0);
  int('retryAfterSeconds', 0);
  int('exportDelayMs', 0);
  int('tokenTtlSeconds', 1);
  int('notYetAvailableMs', 0);
  positive('brandLimitPerMin');
  positive('rateScale');
  positive('burstSeconds');
  if (problems.length > 0) throw new RangeError(`invalid simulator options: ${problems.join('; ')}`);
}
