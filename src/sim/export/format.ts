/**
 * Date and number rendering shared by the export writers. Exports write dates as local wall time
 * (`YYYY-MM-DD HH:MM:SS`) in the requested zone, with the zone named only in the ImportId row; JSON uses ISO-8601
 * UTC (`…Z`, with milliseconds on `recordedDate`).
 */

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** `YYYY-MM-DD HH:MM:SS` of epoch ms `ms` read as UTC. */
export function wallClockUtc(ms: number): string {
  const d = new Date(ms);
  return (
    d.getUTCFullYear() +
    '-' +
    pad2(d.getUTCMonth() + 1) +
    '-' +
    pad2(d.getUTCDate()) +
    ' ' +
    pad2(d.getUTCHours()) +
    ':' +
    pad2(d.getUTCMinutes()) +
    ':' +
    pad2(d.getUTCSeconds())
  );
}

/** `2020-05-13T19:26:15Z` (seconds precision). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `2020-05-13T19:26:18.487Z`. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;
/** 1970-01-01 to 10000-01-01 (exclusive): four-digit years, where the wall-clock and ISO forms share a date part. */
const FAST_MAX_MS = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad2(i));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Minutes whose `YYYY-MM-DD<sep>HH:MM:` a `DateText` keeps (a direct-mapped cache; a power of two). */
const MINUTE_SLOTS = 64;

/** The date-and-minute part of date texts, by minute since the epoch (`sep` between date and time). */
class MinuteTexts {
  private readonly minutes = new Float64Array(MINUTE_SLOTS).fill(Number.NaN);
  private readonly texts = new Array<string>(MINUTE_SLOTS).fill('');
  private day = Number.NaN;
  private date = '';

  constructor(private readonly sep: ' ' | 'T') {}

  /** `YYYY-MM-DD<sep>HH:MM:` of minute `minute` (≥ 0, before the year 10000). */
  of(minute: number): string {
    const slot = minute & (MINUTE_SLOTS - 1);
    if (this.minutes[slot] === minute) return this.texts[slot]!;
    const day = Math.floor(minute / 1440);
    if (day !== this.day) {
      this.day = day;
      this.date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    }
    const inDay = minute - day * 1440;
    const text = this.date + this.sep + TWO_DIGITS[Math.floor(inDay / 60)] + ':' + TWO_DIGITS[inDay % 60] + ':';
    this.minutes[slot] = minute;
    this.texts[slot] = text;
    return text;
  }
}

/**
 * The same texts as `wallClockUtc`, `isoSeconds` and `isoMillis`, faster: an export formats several dates per row,
 * and the dates of nearby rows share their day, hour and often their minute, so the text up to the minute is
 * kept and only the seconds are added. Dates outside 1970–9999 take the plain functions.
 */
export class DateText {
  private readonly wallMinutes = new MinuteTexts(' ');
  private readonly isoMinutes = new MinuteTexts('T');

  /** `YYYY-MM-DD HH:MM:SS`, as `wallClockUtc`. */
  wall(ms: number): string {
    if (!(ms >= 0 && ms < FAST_MAX_MS)) return wallClockUtc(ms);
    return this.wallMinutes.of(Math.floor(ms / 60_000)) + TWO_DIGITS[Math.floor(ms / 1000) % 60];
  }

  /** `YYYY-MM-DDTHH:MM:SSZ`, as `isoSeconds`. */
  isoSeconds(ms: number): string {
    if (!(ms >= 0 && ms < FAST_MAX_MS)) return isoSeconds(ms);
    return this.isoMinutes.of(Math.floor(ms / 60_000)) + TWO_DIGITS[Math.floor(ms / 1000) % 60] + 'Z';
  }

  /** `YYYY-MM-DDTHH:MM:SS.mmmZ`, as `isoMillis`. */
  isoMillis(ms: number): string {
    if (!(ms >= 0 && ms < FAST_MAX_MS) || !Number.isInteger(ms)) return isoMillis(ms);
    const seconds = Math.floor(ms / 1000);
    return this.isoMinutes.of(Math.floor(ms / 60_000)) + TWO_DIGITS[seconds % 60] + '.' + THREE_DIGITS[ms - seconds * 1000] + 'Z';
  }
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z']);
/** Offsets change at most every 15 minutes (DST rules use whole quarter hours), so they are cached per quarter. */
const QUARTER_MS = 900_000;

/**
 * Converts epoch ms to offsets from UTC in an IANA zone. Intl is slow (microseconds per call), and an export formats
 * three dates per row, so each zone keeps a small cache of offsets by quarter hour.
 */
export class ZoneClock {
  readonly utc: boolean;
  private readonly format: Intl.DateTimeFormat | undefined;
  private readonly offsets = new Map<number, number>();
  private readonly text = new DateText();

  /** Throws RangeError for an unknown zone. */
  constructor(readonly timeZone: string) {
    this.utc = UTC_NAMES.has(timeZone);
    this.format = this.utc
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** Milliseconds to add to a UTC instant to get the zone's wall-clock time. */
  offsetAt(ms: number): number {
    if (!this.format) return 0;
    const quarter = Math.floor(ms / QUARTER_MS);
    const hit = this.offsets.get(quarter);
    if (hit !== undefined) return hit;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(quarter * QUARTER_MS))) parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    const offset = wall - quarter * QUARTER_MS;
    if (this.offsets.size > 10_000) this.offsets.clear();
    this.offsets.set(quarter, offset);
    return offset;
  }

  /** Local wall-clock time as epoch ms "as if UTC" (for SPSS date values). */
  local(ms: number): number {
    return ms + this.offsetAt(ms);
  }

  /** `YYYY-MM-DD HH:MM:SS` in the zone. */
  wallClock(ms: number): string {
    return this.text.wall(this.local(ms));
  }
}

/** Renders a number as exports do: integers plainly, decimals with `.` or, on request, `,`. */
export function formatNumber(n: number, decimalComma: boolean): string {
  const s = String(n);
  return decimalComma ? s.replace('.', ',') : s;
}
