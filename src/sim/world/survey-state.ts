import type { SimResponse } from '../contract.ts';
import { GeneratedResponse } from './answers.ts';
import type { SurveyModel } from './catalog.ts';
import { type GenPlan, planOf } from './gen-plan.ts';
import { generateAnswers, generateMeta } from './generate.ts';
import { IdCodec } from './ids.ts';
import { flowUnits, unitOwns } from './layout.ts';
import { HashPrefix, hash32 } from './prng.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Base responses are spread over at least four weeks before the clock's start, and at least 2 s apart. */
const MIN_SPAN_MS = 28 * DAY_MS;
const MIN_STEP_MS = 2000;

interface EmbeddedUpdate {
  at: number;
  data: Record<string, string>;
  reset: boolean;
}

/**
 * One survey's responses: the generated base (a pure function of the index) plus the overlay of everything that
 * happened since start. Only the overlay lives in memory; `responsesAsOf` replays it up to a given time.
 */
export class SurveyState {
  readonly codec: IdCodec;
  readonly sessionCodec: IdCodec;
  readonly sessions: number;
  /** Completed responses generated so far (each `build`): a measure of the work reads did, for tests. */
  generated = 0;
  /** Index the next added or created response gets. */
  nextIndex: number;
  private readonly baseStart: number;
  private readonly step: number;
  /** `hash32(seed, surveyId, 'recorded', …)`, with the prefix hashed once. */
  private readonly recordedKey: HashPrefix;
  /** What the generator works out once for this survey and seed. */
  private readonly plan: GenPlan;
  /** Added or created responses: index → time recorded. */
  private readonly added = new Map<number, number>();
  /** Created responses: index → the `values` they were created with. */
  private readonly created = new Map<number, Record<string, unknown>>();
  /** index → times of edits, ascending. */
  private readonly edits = new Map<number, number[]>();
  private readonly updates = new Map<number, EmbeddedUpdate[]>();
  /** index → time deleted. */
  private readonly deleted = new Map<number, number>();

  constructor(
    readonly seed: number,
    readonly model: SurveyModel,
    readonly baseCount: number,
    readonly anchor: number,
  ) {
    this.codec = new IdCodec('R_', seed, model.survey.id);
    this.sessionCodec = new IdCodec('FS_', seed, model.survey.id);
    this.sessions = 2 + (hash32(seed, model.survey.id, 'sessions') % 3);
    this.nextIndex = baseCount;
    const span = Math.max(MIN_SPAN_MS, baseCount * MIN_STEP_MS);
    this.baseStart = anchor - HOUR_MS - span;
    this.step = baseCount > 0 ? span / baseCount : 0;
    this.recordedKey = new HashPrefix(seed, model.survey.id, 'recorded');
    this.plan = planOf(seed, model);
  }

  /** Number of overlay entries: what the world keeps in memory for this survey. */
  overlaySize(): number {
    return this.added.size + this.created.size + this.edits.size + this.updates.size + this.deleted.size;
  }

  exists(index: number, at: number): boolean {
    if (index < 0 || index >= this.nextIndex) return false;
    if (index >= this.baseCount && !((this.added.get(index) ?? Number.POSITIVE_INFINITY) <= at)) return false;
    return !((this.deleted.get(index) ?? Number.POSITIVE_INFINITY) <= at);
  }

  liveCount(): number {
    return this.baseCount + this.added.size - this.deleted.size;
  }

  /** Strictly increasing in `index` (the jitter stays under 0.8 of a step), which the bounded iteration relies on. */
  private baseRecorded(index: number): number {
    const jitter = this.recordedKey.of(index) / 4294967296;
    return Math.floor(this.baseStart + index * this.step + jitter * this.step * 0.8);
  }

  /** Recorded and last-modified dates of a response as of `at`. */
  private dates(index: number, at: number): { original: number; recorded: number; modified: number; version: number } {
    const original = index < this.baseCount ? this.baseRecorded(index) : this.added.get(index)!;
    // Nothing edited or updated (the usual case): no lookups.
    if (this.updates.size === 0 && this.edits.size === 0) return { original, recorded: original, modified: original, version: 0 };
    let recorded = original;
    let modified = original;
    for (const u of this.updates.get(index) ?? []) {
      if (u.at > at) break;
      recorded = u.reset ? u.at : recorded + 1;
      modified = Math.max(modified, u.at);
    }
    let version = 0;
    for (const t of this.edits.get(index) ?? []) {
      if (t > at) break;
      version++;
      modified = Math.max(modified, t);
    }
    return { original, recorded, modified, version };
  }

  /** The response with index `index` as it was at `at` (caller checks `exists`). */
  build(index: number, at: number): SimResponse {
    this.generated++;
    const { original, recorded, modified, version } = this.dates(index, at);
    const draft = generateMeta(this.plan, 'R', index, original);
    const values = this.created.get(index);
    const surveyId = this.model.survey.id;
    const responseId = this.codec.encode(index);
    const response =
      values && version === 0
        ? { surveyId, responseId, inProgress: false, meta: draft.meta, ...fromValues(this.model, values) }
        : new GeneratedResponse(surveyId, responseId, false, draft.meta, generateAnswers(this.plan, 'R', index, version, draft));
    if (values) {
      const at0 = Math.floor(original / 1000) * 1000;
      Object.assign(response.meta, { startDate: at0, endDate: at0, duration: 0, progress: 100, finished: true });
      Object.assign(response.meta, { status: 0, ipAddress: '', distributionChannel: 'anonymous' });
    }
    response.meta.recordedDate = recorded;
    response.meta.lastModifiedDate = modified;
    for (const u of this.updates.size === 0 ? [] : (this.updates.get(index) ?? [])) {
      if (u.at > at) break;
      for (const [name, value] of Object.entries(u.data)) {
        // Fields outside the survey flow are kept by Qualtrics but not exported.
        if (!this.model.survey.embeddedData.includes(name)) continue;
        response.embedded[name] = value;
        if (response instanceof GeneratedResponse) response.setAnswer(name, value);
        else response.answers[name] = value;
      }
    }
    return response;
  }

  /** In-progress session `j` (0 = most recently started). */
  buildSession(j: number): SimResponse {
    const started = this.anchor - (j + 1) * 47 * 60_000 - (hash32(this.seed, this.model.survey.id, 'fs', j) % 600_000);
    const draft = generateMeta(this.plan, 'FS', j, started);
    const answers = generateAnswers(this.plan, 'FS', j, 0, draft);
    return new GeneratedResponse(this.model.survey.id, this.sessionCodec.encode(j), true, draft.meta, answers);
  }

  /**
   * Live responses as of `at`, by recorded date or by last-modified date (the order's key). Memory: O(overlay).
   * Responses whose key is before `from` (epoch ms, inclusive bound) are left out without being generated, and the
   * iteration ends before the first response whose key is at or after `to` (exclusive bound), exactly where a
   * consumer reading in this order and stopping there would end. The bounds default to unbounded.
   */
  *responsesAsOf(
    at: number,
    order: 'recorded' | 'lastModified',
    from = Number.NEGATIVE_INFINITY,
    to = Number.POSITIVE_INFINITY,
  ): Generator<SimResponse> {
    // Responses whose position differs from their base slot: everything touched by the overlay that matters for
    // the order. All overlay times are at or after the clock's start, so they sort after every untouched response.
    const late = new Set<number>();
    for (const [i, t] of this.added) if (t <= at) late.add(i);
    for (const [i, ups] of this.updates) {
      if (ups.some((u) => u.at <= at && (order === 'lastModified' || u.reset))) late.add(i);
    }
    if (order === 'lastModified') for (const [i, ts] of this.edits) if (ts[0]! <= at) late.add(i);
    const keyOf = (i: number): number => {
      const d = this.dates(i, at);
      return order === 'recorded' ? d.recorded : d.modified;
    };
    // A response in its base slot has a key of at least its base recorded date (exactly that, except embedded-data
    // updates without reset, which add 1 ms each to the recorded date), and base recorded dates increase with the
    // index: no slot before `start` can reach `from` but those few bumped ones, which the overlay lists.
    const start = from > Number.NEGATIVE_INFINITY ? this.firstBaseAtOrAfter(from) : 0;
    const bumped = order === 'recorded' ? [...this.updates.keys()].filter((i) => i < start).sort((a, b) => a - b) : [];
    // Likewise every unbumped slot from `end` on is keyed at or after `to`: only slots outside [start, end) and
    // bumped ones need their key worked out.
    const end = to < Number.POSITIVE_INFINITY ? this.firstBaseAtOrAfter(to) : this.baseCount;
    if (this.overlaySize() === 0) {
      // Nothing happened since start: the base slots in [start, end) are exactly the responses in the bounds.
      for (let i = start; i < end; i++) yield this.build(i, at);
      return;
    }
    // The bumped indices (all below `start`), then `start` up to the end of the base.
    const slotCount = bumped.length + Math.max(0, this.baseCount - start);
    for (let n = 0; n < slotCount; n++) {
      const i = n < bumped.length ? bumped[n]! : start + n - bumped.length;
      if (late.has(i) || (this.deleted.get(i) ?? Number.POSITIVE_INFINITY) <= at) continue;
      if (i < start || i >= end || (order === 'recorded' && this.updates.has(i))) {
        const key = keyOf(i);
        if (key >= to) return;
        if (key < from) continue;
      }
      yield this.build(i, at);
    }
    const tail = [...late]
      .filter((i) => this.exists(i, at))
      .map((i) => ({ i, t: keyOf(i) }))
      .filter(({ t }) => t >= from)
      .sort((a, b) => a.t - b.t || a.i - b.i);
    for (const { i, t } of tail) {
      if (t >= to) return;
      yield this.build(i, at);
    }
  }

  /** The first base index whose base recorded date is at or after `t` (`baseCount` when none): a binary search. */
  private firstBaseAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.baseCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.baseRecorded(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  *sessionsAsOf(): Generator<SimResponse> {
    for (let j = this.sessions - 1; j >= 0; j--) yield this.buildSession(j);
  }

  add(at: number): number {
    const index = this.nextIndex++;
    this.added.set(index, at);
    return index;
  }

  create(at: number, values: Record<string, unknown>): number {
    const index = this.add(at);
    this.created.set(index, values);
    return index;
  }

  edit(index: number, at: number): void {
    const list = this.edits.get(index) ?? [];
    list.push(at);
    this.edits.set(index, list);
  }

  remove(index: number, at: number): void {
    this.deleted.set(index, at);
  }

  updateEmbedded(index: number, at: number, data: Record<string, string>, reset: boolean): void {
    const list = this.updates.get(index) ?? [];
    list.push({ at, data: { ...data }, reset });
    this.updates.set(index, list);
  }
}

/** Answers of a response created through the API: the given values, minus metadata, shown where answered. */
function fromValues(model: SurveyModel, values: Record<string, unknown>): Pick<SimResponse, 'answers' | 'embedded' | 'displayed'> {
  const units = flowUnits(model.survey);
  const answers: Record<string, unknown> = {};
  const embedded: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (model.survey.embeddedData.includes(key)) {
      embedded[key] = String(value);
      answers[key] = embedded[key];
    } else if (units.some((u) => unitOwns(u, key))) {
      answers[key] = value;
    }
  }
  for (const name of model.survey.embeddedData) {
    if (!(name in embedded)) {
      embedded[name] = '';
      answers[name] = '';
    }
  }
  const displayed = units.filter((u) => Object.keys(answers).some((k) => unitOwns(u, k))).map((u) => u.key);
  return { answers, embedded, displayed };
}
