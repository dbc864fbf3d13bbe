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
  /** zone → 15-minute wall-clock bucket → UTC ms minus wall ms, for {@link wallTimeToUtc}. */
  readonly #resolved = new Map<string, Map<number, number>>();

  /**
   * The resolved shift of a wall-clock bucket (see {@link wallTimeToUtc}), memoised: modern zones change offset
   * only at quarter hours of local time, so every wall time in one 15-minute bucket resolves alike.
   */
  resolvedShift(zone: string, wallMs: number, resolve: () => number): number {
    let byBucket = this.#resolved.get(zone);
    if (!byBucket) this.#resolved.set(zone, (byBucket = new Map()));
    const bucket = Math.floor(wallMs / BUCKET_MS);
    let shift = byBucket.get(bucket);
    if (shift === undefined) {
      if (byBucket.size >= MAX_CACHED_OFFSETS) byBucket.clear();
      shift = resolve();
      byBucket.set(bucket, shift);
    }
    return shift;
  }

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
  const start = Math.floor(wallMs / BUCKET_MS) * BUCKET_MS;
  return wallMs + offsets.resolvedShift(zone, wallMs, () => resolveWallTime(start, zone, offsets) - start);
}

function resolveWallTime(wallMs: number, zone: string, offsets: ZoneOffsets): number {
  const before = offsets.offsetAt(zone, wallMs - DAY_MS);
  const after = offsets.offsetAt(zone, wallMs + DAY_MS);
  const candidates = [wallMs - before, wallMs - after].filter((t) => t + offsets.offsetAt(zone, t) === wallMs);
  if (candidates.length === 0) return wallMs - before;
  return Math.min(...candidates);
}

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `length` ASCII digits at `at`, or -1 when any is not a digit. */
function digitsAt(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Wall-clock ms (as UTC) of `YYYY-MM-DD HH:MM[:SS[.fff]]` (space or `T`), or null when not such a time. */
function parseWallTime(text: string): number | null {
  const n = text.length;
  if (n !== 16 && n !== 19 && !(n >= 21 && n <= 23 && text[19] === '.')) return null;
  if (text[4] !== '-' || text[7] !== '-' || (text[10] !== ' ' && text[10] !== 'T') || text[13] !== ':') return null;
  if (n > 16 && text[16] !== ':') return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = n > 16 ? digitsAt(text, 17, 2) : 0;
  const ms = n > 19 ? digitsAt(text, 20, n - 20) * 10 ** (23 - n) : 0;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  if (second < 0 || second > 59 || ms < 0) return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** `00`…`99`: two-digit fields of a date without a `padStart` per field. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/** `Date#toISOString` for years 0–9999, by integer arithmetic (civil-from-days), several times faster. */
export function isoFromMs(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(ms).toISOString();
  const hour = Math.floor(rest / HOUR_MS);
  rest -= hour * HOUR_MS;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const yyyy = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  const mmm = milli >= 100 ? String(milli) : milli >= 10 ? `0${milli}` : `00${milli}`;
  return `${yyyy}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${mmm}Z`;
}

/**
 * A Qualtrics date cell → UTC ISO-8601 with milliseconds, or null when the cell is not a date this reads.
 *
 * `2020-02-10 20:44:39` is local time in `zone`; a value that already carries `Z` or an offset
 * (JSON exports: `2020-02-11T03:44:39Z`) is normalised as is.
 */
export function localDateToIso(text: string, zone: string, offsets: ZoneOffsets): string | null {
  const wall = parseWallTime(text);
  // `YYYY-MM-DD HH:MM:SS` in UTC is its own ISO text once checked (years before 100 excepted: Date.UTC reads
  // them as 19xx, and that reading is kept).
  if (wall !== null && zone === 'UTC' && text.length === 19 && text.charCodeAt(0) !== 48) {
    return `${text.slice(0, 10)}T${text.slice(11)}.000Z`;
  }
  if (wall !== null) return isoFromMs(wallTimeToUtc(wall, zone, offsets));
  if (ZONED_ISO.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  return null;
}
