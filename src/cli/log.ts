import type { Logger } from '../client/index.ts';
import type { TextOut } from './io.ts';

type Level = keyof Logger;

/** Fields worth showing in a one-line log, in this order; anything else is left out to keep lines short. */
const SHOWN = ['method', 'path', 'status', 'code', 'retry', 'delayMs', 'attempt', 'durationMs', 'requestId', 'notice', 'bytes'];

/**
 * A client logger writing one line per event to stderr: warnings and errors always, info and debug with
 * `--verbose`. The client passes every object through its redactor before it reaches here, and only the fields in
 * `SHOWN` are printed, so no header or secret can appear.
 */
export function stderrLogger(out: TextOut, verbose: boolean): Logger {
  const line = (level: Level) => (obj: Record<string, unknown>, msg: string) => {
    if (!verbose && (level === 'debug' || level === 'info')) return;
    const details = SHOWN.filter((k) => obj[k] !== undefined).map((k) => `${k}=${String(obj[k])}`);
    out.write(`qsync: ${level}: ${msg}${details.length ? ` (${details.join(', ')})` : ''}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
