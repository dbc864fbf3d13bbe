/**
 * The database `qsync worker` and `qsync status` coordinate through: `--db`, else the config's `db`; it must be a
 * `postgres://` URL. A wrong one is a usage error (exit 2) with one line that never shows a password.
 */
import { coordTarget, type PostgresTarget } from '../../coord/index.ts';
import { CONFIG_DEFAULTS, type QsyncConfig } from '../../config/index.ts';
import { StoreError } from '../../store/index.ts';
import { UsageError } from '../errors.ts';

/** The URL and its parsed target. Throws `UsageError` for a missing, non-PostgreSQL or malformed URL. */
export function coordDatabase(flag: string | undefined, config: QsyncConfig, command: string): { url: string; target: PostgresTarget } {
  // The config's default (a SQLite file) means no database was chosen.
  const url = flag ?? (config.db === CONFIG_DEFAULTS.db ? '' : config.db);
  try {
    return { url, target: coordTarget(url) };
  } catch (err) {
    if (err instanceof StoreError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
}

/** Parses a number of seconds within [min, max] into ms; `fallbackS` when absent. Throws `UsageError`. */
export function secondsFlag(text: string | undefined, flag: string, fallbackS: number, min: number, max: number): number {
  if (text === undefined) return fallbackS * 1000;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a number of seconds from ${min} to ${max} (got ${JSON.stringify(text)})`);
  }
  return Math.round(n * 1000);
}

/** Parses an integer within [min, max]; `fallback` when absent. Throws `UsageError`. */
export function integerFlag(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
  }
  return n;
}
