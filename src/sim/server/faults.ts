/**
 * On-demand faults (`POST /_sim/faults`): random rates, and scripted sequences that make a test deterministic.
 *
 * Kinds: `500`/`503`/`504` (error envelope, with `instanceId`), `429` (as the rate limiter answers it), `reset`
 * (socket destroyed, no answer), `slow` (answer delayed by `ms`), `truncate` (the body is cut short and the
 * socket destroyed), `exportFail` (the export job started by this request ends `failed`), `notice` (the
 * "Request proxied" `meta.notice`), `revokeTokens` (every bearer token revoked before the request is checked),
 * and `none` (lets one matching request through untouched, to aim a later entry at the n-th request).
 */

export const faultKinds = [
  '500',
  '503',
  '504',
  '429',
  'reset',
  'slow',
  'truncate',
  'exportFail',
  'notice',
  'revokeTokens',
  'none',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Kinds that can be given a probability in `rates`. */
const rateKinds = ['500', '503', '504', '429', 'reset', 'slow', 'truncate', 'exportFail', 'notice'] as const;
type RateKind = (typeof rateKinds)[number];

/** One step of a script: the first unconsumed entry whose `match` fits a request applies to it. */
export interface ScriptEntry {
  /** `"METHOD glob"` or `"glob"`; `*` matches any run of characters, against the path and the route template. */
  match: string;
  fault: FaultKind;
  /** Delay for `slow`, in ms (default 1000). */
  ms?: number;
  /** How many matching requests the entry applies to (default 1). */
  times?: number;
}

/** The parsed body of `POST /_sim/faults`. Absent parts leave the current setting alone. */
export interface FaultConfig {
  rates?: Partial<Record<RateKind, number>>;
  /** Delay of a `slow` fault in ms; given without a `slow` rate, every matching request is slowed. */
  slowMs?: number;
  /** Globs restricting which requests `rates` apply to (default: all). */
  routes?: string[];
  script?: ScriptEntry[];
  /** Seed of the random draws for `rates` (default: the world's seed). */
  seed?: number;
  revokeTokens?: boolean;
}

/** What the pipeline must do to one request. */
export interface FaultDecision {
  status?: 500 | 503 | 504 | 429;
  reset?: boolean;
  slowMs?: number;
  truncate?: boolean;
  exportFail?: boolean;
  notice?: boolean;
  revokeTokens?: boolean;
}

/** The request as faults see it. */
export interface FaultTarget {
  method: string;
  /** Concrete path, e.g. `/API/v3/surveys/SV_1/export-responses/ab-def/file`. */
  path: string;
  /** Route template, e.g. `/API/v3/surveys/{surveyId}/export-responses/{fileId}/file`. */
  template: string;
}

/** Parses a fault-config body; throws an Error with a one-line message when it is malformed. */
export function parseFaultConfig(body: unknown): FaultConfig {
  if (!isObject(body)) throw new Error('body must be a JSON object');
  const known = new Set(['rates', 'routes', 'script', 'seed', 'revokeTokens']);
  for (const k of Object.keys(body)) if (!known.has(k)) throw new Error(`unknown field "${k}"`);
  const out: FaultConfig = {};
  if (body['rates'] !== undefined) Object.assign(out, parseRates(body['rates']));
  if (body['routes'] !== undefined) {
    const routes = body['routes'];
    if (!Array.isArray(routes) || !routes.every((r) => typeof r === 'string' && r !== '')) {
      throw new Error('routes must be an array of non-empty strings');
    }
    out.routes = routes;
  }
  if (body['script'] !== undefined) out.script = parseScript(body['script']);
  if (body['seed'] !== undefined) {
    if (!Number.isSafeInteger(body['seed'])) throw new Error('seed must be an integer');
    out.seed = body['seed'] as number;
  }
  if (body['revokeTokens'] !== undefined) {
    if (typeof body['revokeTokens'] !== 'boolean') throw new Error('revokeTokens must be a boolean');
    out.revokeTokens = body['revokeTokens'];
  }
  return out;
}

function parseRates(rates: unknown): Pick<FaultConfig, 'rates' | 'slowMs'> {
  if (!isObject(rates)) throw new Error('rates must be an object');
  const out: Partial<Record<RateKind, number>> = {};
  let slowMs: number | undefined;
  for (const [k, v] of Object.entries(rates)) {
    if (k === 'slowMs') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error('rates.slowMs must be ms >= 0');
      slowMs = v;
      continue;
    }
    if (!(rateKinds as readonly string[]).includes(k)) {
      throw new Error(`unknown rate "${k}" (expected one of ${rateKinds.join(', ')}, slowMs)`);
    }
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`rates.${k} must be a probability in [0, 1]`);
    out[k as RateKind] = v;
  }
  return slowMs === undefined ? { rates: out } : { rates: out, slowMs };
}

function parseScript(script: unknown): ScriptEntry[] {
  if (!Array.isArray(script)) throw new Error('script must be an array');
  return script.map((entry, i) => {
    if (!isObject(entry)) throw new Error(`script[${i}] must be an object`);
    const { match, fault, ms, times } = entry;
    if (typeof match !== 'string' || match.trim() === '') throw new Error(`script[${i}].match must be a string`);
    if (typeof fault !== 'string' || !(faultKinds as readonly string[]).includes(fault)) {
      throw new Error(`script[${i}].fault must be one of ${faultKinds.join(', ')}`);
    }
    if (ms !== undefined && (typeof ms !== 'number' || !(ms >= 0))) throw new Error(`script[${i}].ms must be >= 0`);
    if (times !== undefined && (!Number.isSafeInteger(times) || (times as number) < 1)) {
      throw new Error(`script[${i}].times must be a positive integer`);
    }
    const out: ScriptEntry = { match, fault: fault as FaultKind };
    if (ms !== undefined) out.ms = ms as number;
    if (times !== undefined) out.times = times as number;
    return out;
  });
}

/** A compiled `"METHOD glob"` matcher. */
export function compileMatch(match: string): (t: FaultTarget) => boolean {
  const m = /^\s*([A-Za-z*]+)\s+(\S.*?)\s*$/.exec(match);
  const method = m ? m[1]!.toUpperCase() : '*';
  const glob = m ? m[2]! : match.trim();
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return (t) => (method === '*' || method === t.method.toUpperCase()) && (re.test(t.path) || re.test(t.template));
}

interface LiveEntry {
  entry: ScriptEntry;
  matches: (t: FaultTarget) => boolean;
  left: number;
}

/** Holds the current fault setting and decides, request by request, which fault applies. */
export class FaultInjector {
  private rates: Partial<Record<RateKind, number>> = {};
  private slowMs: number | undefined;
  private routeMatchers: Array<(t: FaultTarget) => boolean> | undefined;
  private script: LiveEntry[] = [];
  private random: () => number;

  constructor(private readonly defaultSeed: number) {
    this.random = mulberry32(defaultSeed);
  }

  /** Applies a parsed config: present parts replace the current ones. */
  configure(config: FaultConfig): void {
    if (config.rates !== undefined || config.slowMs !== undefined || config.routes !== undefined) {
      this.rates = config.rates ?? {};
      this.slowMs = config.slowMs;
      this.routeMatchers = config.routes?.map(compileMatch);
      this.random = mulberry32(config.seed ?? this.defaultSeed);
    }
    if (config.script !== undefined) {
      this.script = config.script.map((entry) => ({
        entry,
        matches: compileMatch(entry.match),
        left: entry.times ?? 1,
      }));
    }
  }

  /** Removes every rate and script. */
  clear(): void {
    this.rates = {};
    this.slowMs = undefined;
    this.routeMatchers = undefined;
    this.script = [];
  }

  /** What is configured now (for `GET /_sim/faults`). */
  describe(): Record<string, unknown> {
    return {
      rates: { ...this.rates, ...(this.slowMs === undefined ? {} : { slowMs: this.slowMs }) },
      script: this.script.map((l) => ({ ...l.entry, times: l.left })),
    };
  }

  /** Decides the fault for one request; consumes a script entry if one matches (then rates are not drawn). */
  decide(target: FaultTarget): FaultDecision {
    const index = this.script.findIndex((l) => l.matches(target));
    if (index >= 0) {
      const live = this.script[index]!;
      live.left -= 1;
      if (live.left <= 0) this.script.splice(index, 1);
      return decisionFor(live.entry.fault, live.entry.ms ?? 1000);
    }
    return this.drawRates(target);
  }

  private drawRates(target: FaultTarget): FaultDecision {
    const hasRates = Object.keys(this.rates).length > 0 || this.slowMs !== undefined;
    if (!hasRates) return {};
    if (this.routeMatchers && !this.routeMatchers.some((m) => m(target))) return {};
    const out: FaultDecision = {};
    // Draw every kind in a fixed order so a given seed and request sequence always fault the same way.
    const hit = (k: RateKind) => this.random() < (this.rates[k] ?? 0);
    if (hit('reset')) out.reset = true;
    for (const s of ['500', '503', '504', '429'] as const) if (hit(s) && out.status === undefined) out.status = +s as 500;
    const slowRate = this.rates.slow ?? (this.slowMs !== undefined ? 1 : 0);
    if (this.random() < slowRate) out.slowMs = this.slowMs ?? 1000;
    if (hit('notice')) out.notice = true;
    const truncate = hit('truncate');
    if (truncate && target.template.endsWith('/file')) out.truncate = true;
    const exportFail = hit('exportFail');
    if (exportFail && target.method === 'POST' && target.template.endsWith('/export-responses')) out.exportFail = true;
    return out;
  }
}

function decisionFor(kind: FaultKind, ms: number): FaultDecision {
  switch (kind) {
    case '500':
    case '503':
    case '504':
    case '429':
      return { status: Number(kind) as 500 | 503 | 504 | 429 };
    case 'reset':
      return { reset: true };
    case 'slow':
      return { slowMs: ms };
    case 'truncate':
      return { truncate: true };
    case 'exportFail':
      return { exportFail: true };
    case 'notice':
      return { notice: true };
    case 'revokeTokens':
      return { revokeTokens: true };
    case 'none':
      return {};
  }
}

/** Small seeded PRNG (mulberry32): deterministic fault draws for a given seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
