import type { StartSimulatorOptions } from './index.ts';

/**
 * `qsync sim`: parses the flags (as commander hands them over, strings), starts the simulator, prints how to reach
 * it and runs until SIGINT/SIGTERM. Kept apart from `src/cli/` because the simulator imports nothing outside
 * `src/sim/`; the command module lazy-imports this file so `qsync --help` stays fast.
 */

/** The flags of `qsync sim`, as commander passes them (values are unparsed strings). */
export interface SimCommandFlags {
  host?: string;
  port?: string;
  seed?: string;
  surveys?: string;
  responses?: string;
  brandLimit?: string;
  rateScale?: string;
  retryAfter?: string;
  exportDelayMs?: string;
  tokenTtl?: string;
  json?: boolean;
}

/** A bad flag: the CLI entry point prints the one-line message and exits 2 (it reads `exitCode`). */
export class SimUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'SimUsageError';
  }
}

/** Where the command writes and what stops it (injectable for tests). */
export interface SimCommandIo {
  stdout: { write(s: string): unknown };
  /** Resolves when the simulator should stop (default: the first SIGINT or SIGTERM). */
  stopped?: Promise<unknown>;
}

function integer(flag: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new SimUsageError(`--${flag} must be an integer ${range} (got "${raw}")`);
  }
  return n;
}

function positive(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new SimUsageError(`--${flag} must be a number > 0 (got "${raw}")`);
  }
  return n;
}

/** Turns the flags into `startSimulator` options; throws SimUsageError on the first bad one. */
export function parseSimFlags(flags: SimCommandFlags): StartSimulatorOptions {
  if (flags.host !== undefined && flags.host.trim() === '') throw new SimUsageError('--host must not be empty');
  const o: StartSimulatorOptions = { host: flags.host ?? '127.0.0.1' };
  const set = <K extends keyof StartSimulatorOptions>(k: K, v: StartSimulatorOptions[K] | undefined) => {
    if (v !== undefined) o[k] = v;
  };
  set('port', integer('port', flags.port, 0, 65535));
  set('seed', integer('seed', flags.seed, 0));
  set('surveys', integer('surveys', flags.surveys, 1, 10_000));
  set('responsesPerSurvey', integer('responses', flags.responses, 0));
  set('brandLimitPerMin', positive('brand-limit', flags.brandLimit));
  set('rateScale', positive('rate-scale', flags.rateScale));
  set('retryAfterSeconds', integer('retry-after', flags.retryAfter, 0));
  set('exportDelayMs', integer('export-delay-ms', flags.exportDelayMs, 0));
  set('tokenTtlSeconds', integer('token-ttl', flags.tokenTtl, 1));
  return o;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Runs `qsync sim` to completion: resolves after a signal, once the server is closed. */
export async function runSimCommand(flags: SimCommandFlags, io: SimCommandIo = { stdout: process.stdout }): Promise<void> {
  const options = parseSimFlags(flags);
  // Listen for signals before starting, so one arriving during start-up is not lost.
  const stopped = io.stopped ?? untilSignal();
  const { startSimulator } = await import('./index.ts');
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new SimUsageError(`cannot listen on ${options.host}:${options.port ?? 0} (${code})`);
    }
    throw err;
  }
  const { url, clientId, clientSecret, apiToken, surveyIds } = sim;
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ baseUrl: url, clientId, clientSecret, apiToken, surveyIds })}\n`);
  } else {
    io.stdout.write(
      [
        `Qualtrics simulator listening on ${url} (seed ${sim.world.seed})`,
        `  token URL      ${url}/oauth2/token`,
        `  API base       ${url}/API/v3`,
        `  client id      ${clientId}`,
        `  client secret  ${clientSecret}`,
        `  API token      ${apiToken}`,
        `  surveys        ${surveyIds.join(', ')}`,
        `  control API    ${url}/_sim/ (loopback only)`,
        'Stop with Ctrl+C.',
        '',
      ].join('\n'),
    );
  }
  await stopped;
  await sim.close();
}
