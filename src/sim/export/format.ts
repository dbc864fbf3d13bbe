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
    return wallClockUtc(this.local(ms));
  }
}

/** Renders a number as exports do: integers plainly, decimals with `.` or, on request, `,`. */
export function formatNumber(n: number, decimalComma: boolean): string {
  const s = String(n);
  return decimalComma ? s.replace('.', ',') : s;
}
