import { type ConnectionFlags, createClient } from '../connection.ts';
import { UsageError } from '../errors.ts';
import { type CliIo, processIo, writeJson } from '../io.ts';

/** Flags of `qsync raw`. */
export interface RawFlags extends ConnectionFlags {
  data?: string;
  allow404?: boolean;
  json?: boolean;
}

/** Parses `--data`, or says where it is broken. */
function parseData(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new UsageError(`--data is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * `qsync raw <METHOD> <path>`: one request through the client (rate budget, retries, auth); prints `HTTP <status>`
 * and the JSON body (or, with `--json`, one object `{status, body}`). Error statuses fail like any other command,
 * except a 404 with `--allow-404`.
 */
export async function runRaw(method: string, path: string, flags: RawFlags, io: CliIo = processIo()): Promise<void> {
  const body = parseData(flags.data);
  const client = createClient(flags, io);
  const res = await client.raw(method, path, body, flags.allow404 ? { allow404: true } : {});
  if (flags.json) {
    writeJson(io.stdout, { status: res.status, body: res.body ?? null });
    return;
  }
  io.stdout.write(`HTTP ${res.status}\n`);
  if (res.body !== undefined) writeJson(io.stdout, res.body);
}
