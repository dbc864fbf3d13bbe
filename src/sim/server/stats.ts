/** Counts by status: `"200"`, `"429"`, … and `"reset"` for connections the simulator destroyed. */
export type StatusCounts = Record<string, number>;

/** One slot of the timeline (a wall-clock second or minute). */
export interface TimelineSlot {
  /** Slot start, ISO-8601 UTC. */
  t: string;
  total: number;
  byStatus: StatusCounts;
  byRoute: Record<string, number>;
}

/** What `GET /_sim/stats` returns. */
export interface StatsSnapshot {
  /** When counting started (start or last reset), ISO-8601 UTC wall clock. */
  since: string;
  now: string;
  total: number;
  byStatus: StatusCounts;
  /** By templated route, e.g. `GET /API/v3/surveys/{surveyId}/export-responses/{progressId}`. */
  routes: Record<string, { total: number; byStatus: StatusCounts }>;
  /** Seconds with traffic, oldest first (last hour). */
  perSecond: TimelineSlot[];
  /** Minutes with traffic, oldest first (last day). */
  perMinute: TimelineSlot[];
}

const keepSeconds = 3600;
const keepMinutes = 1440;

interface Slot {
  total: number;
  byStatus: StatusCounts;
  byRoute: Record<string, number>;
}

/**
 * Request counts by route and status, with a per-second and per-minute timeline on the wall clock (achieved
 * rates are a real-time matter, whatever the simulated clock says).
 */
export class StatsRecorder {
  private since: number;
  private total = 0;
  private byStatus: StatusCounts = {};
  private routes = new Map<string, { total: number; byStatus: StatusCounts }>();
  private seconds = new Map<number, Slot>();
  private minutes = new Map<number, Slot>();

  constructor(private readonly now: () => number = Date.now) {
    this.since = now();
  }

  /** Counts one finished request. */
  record(route: string, status: number | string): void {
    const s = String(status);
    this.total += 1;
    bump(this.byStatus, s);
    let r = this.routes.get(route);
    if (!r) this.routes.set(route, (r = { total: 0, byStatus: {} }));
    r.total += 1;
    bump(r.byStatus, s);
    const t = this.now();
    addTo(this.seconds, Math.floor(t / 1000), route, s, keepSeconds);
    addTo(this.minutes, Math.floor(t / 60_000), route, s, keepMinutes);
  }

  snapshot(): StatsSnapshot {
    const routes: StatsSnapshot['routes'] = {};
    for (const [k, v] of [...this.routes].sort(([a], [b]) => a.localeCompare(b))) {
      routes[k] = { total: v.total, byStatus: { ...v.byStatus } };
    }
    return {
      since: new Date(this.since).toISOString(),
      now: new Date(this.now()).toISOString(),
      total: this.total,
      byStatus: { ...this.byStatus },
      routes,
      perSecond: timeline(this.seconds, 1000),
      perMinute: timeline(this.minutes, 60_000),
    };
  }

  reset(): void {
    this.since = this.now();
    this.total = 0;
    this.byStatus = {};
    this.routes = new Map();
    this.seconds = new Map();
    this.minutes = new Map();
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function addTo(slots: Map<number, Slot>, index: number, route: string, status: string, keep: number): void {
  let slot = slots.get(index);
  if (!slot) {
    slots.set(index, (slot = { total: 0, byStatus: {}, byRoute: {} }));
    // Maps iterate in insertion order and indexes only grow, so the oldest slots come first.
    for (const old of slots.keys()) {
      if (old > index - keep) break;
      slots.delete(old);
    }
  }
  slot.total += 1;
  bump(slot.byStatus, status);
  bump(slot.byRoute, route);
}

function timeline(slots: Map<number, Slot>, unitMs: number): TimelineSlot[] {
  return [...slots].map(([index, s]) => ({
    t: new Date(index * unitMs).toISOString(),
    total: s.total,
    byStatus: { ...s.byStatus },
    byRoute: { ...s.byRoute },
  }));
}
