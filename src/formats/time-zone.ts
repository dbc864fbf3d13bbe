/**
 * Local wall-clock times → UTC, with nothing but `Intl.DateTimeFormat` (no date library).
 *
 * Qualtrics writes CSV/TSV dates as `YYYY-MM-DD HH:MM:SS` in the export's time zone and names that zone only in
 * the ImportId header row (`{"ImportId":"startDate","timeZone":"America/Denver"}`), so every date cell needs a
 * zone-aware conversion that is right across DST changes.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Offsets are cached per 15-minute UTC bucket: zone transitions since 1970 fall on such boundaries. */
const BUCKET_MS = 15 * 60_000;
const MAX_CACHED_OFFSETS = 50_000;

/** Memo of formatters and offsets for one zone; one per conversion context, no module-level state. */
export class ZoneOffsets {
  readonly #formatters = new Map<string, Intl.DateTimeFormat>();
  readonly #offsets = new Map<string, number>();

  /** Offset of `zone` from UTC at instant `utcMs`, in milliseconds (e.g. -25200000 for UTC−7). */
  offsetAt(zone: string, utcMs: number): number {
    if (zone === 'UTC') return 0;
    const bucket = Math.floor(utcMs / BUCKET_MS);
    const cacheKey = `${zone}|${bucket}`;
    const cached = this.#offsets.get(cacheKey);
    if (cached !== undefined) return cached;
    const offset = this.#compute(zone, bucket * BUCKET_MS);
    if (this.#offsets.size >= MAX_CACHED_OFFSETS) this.#offsets.clear();
    this.#offsets.set(cacheKey, offset);
    return offset;
  }

  #compute(zone: string, utcMs: number): number {
    const parts = this.#formatter(zone).formatToParts(new Date(utcMs));
    const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return wall - utcMs;
  }

  #formatter(zone: string): Intl.DateTimeFormat {
    let formatter = this.#formatters.get(zone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      this.#formatters.set(zone, formatter);
    }
    return formatter;
  }
}

/** True when `zone` is an IANA zone name this runtime knows (`America/Denver`, `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The UTC instant (ms) of a wall-clock time in `zone`, given as the UTC ms of the same wall-clock fields.
 *
 * Ambiguous times (the repeated hour when clocks fall back) resolve to the earlier instant; times that do not
 * exist (the skipped hour when clocks spring forward) are read with the offset in force before the change, so
 * `02:30` becomes `03:30` daylight time. This is the "compatible" rule of Temporal and of most databases.
 */
export function wallTimeToUtc(wallMs: number, zone: string, offsets: ZoneOffsets): number {
  if (zone === 'UTC') return wallMs;
  const before = offsets.offsetAt(zone, wallMs - DAY_MS);
  const after = offsets.offsetAt(zone, wallMs + DAY_MS);
  const candidates = [wallMs - before, wallMs - after].filter((t) => t + offsets.offsetAt(zone, t) === wallMs);
  if (candidates.length === 0) return wallMs - before;
  return Math.min(...candidates);
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * A Qualtrics date cell → UTC ISO-8601 with milliseconds, or null when the cell is not a date this reads.
 *
 * `2020-02-10 20:44:39` is local time in `zone`; a value that already carries `Z` or an offset
 * (JSON exports: `2020-02-11T03:44:39Z`) is normalised as is.
 */
export function localDateToIso(text: string, zone: string, offsets: ZoneOffsets): string | null {
  const m = WALL_TIME.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = s === undefined ? 0 : Number(s);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
    const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
    const wall = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
    if (new Date(wall).getUTCDate() !== day) return null;
    return new Date(wallTimeToUtc(wall, zone, offsets)).toISOString();
  }
  if (ZONED_ISO.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  return null;
}
