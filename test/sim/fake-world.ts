import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import type {
  BuildExport,
  ExportOptions,
  ResponseSelector,
  SimClock,
  SimResponse,
  SimShapes,
  SimSurvey,
  SimWorld,
} from '../../src/sim/contract.ts';

/**
 * A small in-memory `SimWorld` for the server's tests: a handful of surveys and responses with the overlay
 * semantics of the contract (asOf snapshots, edits bump lastModifiedDate, deletes), plus trivial shapes and an
 * export builder writing `{"responses":[…]}` JSON or a one-column CSV, zipped when asked.
 */

interface Version {
  at: number;
  answers: Record<string, unknown>;
  embedded: Record<string, string>;
  recordedDate: number;
}

interface Stored {
  surveyId: string;
  responseId: string;
  inProgress: boolean;
  createdAt: number;
  deletedAt?: number;
  versions: Version[];
}

export function manualClock(start = Date.UTC(2025, 0, 1)): SimClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export function fakeSurvey(i: number): SimSurvey {
  const id = `SV_fake${String(i).padStart(10, '0')}`;
  return {
    id,
    name: `Fake survey ${i}`,
    ownerId: 'UR_fakeowner000001',
    brandId: 'fakebrand',
    organizationId: 'fakebrand',
    creationDate: Date.UTC(2024, 0, 1),
    lastModified: Date.UTC(2024, 5, 1),
    isActive: true,
    questions: [
      { id: 'QID1', exportTag: 'Q1', type: 'MC', selector: 'SAVR', text: 'Pick one', blockId: 'BL_fake00000001' },
      { id: 'QID2', exportTag: 'Q2', type: 'TE', selector: 'SL', text: 'Say something', blockId: 'BL_fake00000001' },
    ],
    embeddedData: ['segment'],
    loops: [],
    filters: [{ filterId: 'FILTER_even', filterName: 'Even answers', creationDate: '2024-02-01T00:00:00Z' }],
  };
}

export function createFakeWorld(opts: { surveys?: number; responses?: number; clock?: SimClock; seed?: number } = {}) {
  const clock = opts.clock ?? manualClock();
  const surveys = Array.from({ length: opts.surveys ?? 3 }, (_, i) => fakeSurvey(i + 1));
  const store = new Map<string, Stored[]>(surveys.map((s) => [s.id, []]));
  let serial = 0;
  const newId = (prefix: string) => `${prefix}${String(++serial).padStart(15, '0')}`;

  function insert(surveyId: string, at: number, answers: Record<string, unknown>, inProgress = false): string {
    const id = newId(inProgress ? 'FS_' : 'R_');
    store.get(surveyId)!.push({
      surveyId,
      responseId: id,
      inProgress,
      createdAt: at,
      versions: [{ at, answers, embedded: { segment: 'a' }, recordedDate: at }],
    });
    return id;
  }

  function view(r: Stored, asOf: number): SimResponse | undefined {
    if (r.createdAt > asOf || (r.deletedAt !== undefined && r.deletedAt <= asOf)) return undefined;
    const v = [...r.versions].reverse().find((x) => x.at <= asOf)!;
    return {
      surveyId: r.surveyId,
      responseId: r.responseId,
      inProgress: r.inProgress,
      answers: v.answers,
      embedded: v.embedded,
      meta: {
        startDate: v.recordedDate - 60_000,
        endDate: v.recordedDate,
        recordedDate: v.recordedDate,
        lastModifiedDate: v.at,
        status: 0,
        ipAddress: '192.0.2.1',
        progress: r.inProgress ? 50 : 100,
        duration: 60,
        finished: !r.inProgress,
        distributionChannel: 'anonymous',
        userLanguage: 'EN',
        locationLatitude: '0',
        locationLongitude: '0',
        recipientLastName: '',
        recipientFirstName: '',
        recipientEmail: '',
        externalDataReference: '',
      },
    };
  }

  function live(surveyId: string, asOf = clock.now()): SimResponse[] {
    return (store.get(surveyId) ?? []).map((r) => view(r, asOf)).filter((r) => r !== undefined);
  }

  function select(surveyId: string, selector: ResponseSelector): Stored[] {
    const rows = (store.get(surveyId) ?? []).filter((r) => r.deletedAt === undefined && !r.inProgress);
    if ('count' in selector) return rows.slice(0, selector.count);
    return rows.filter((r) => selector.responseIds.includes(r.responseId));
  }

  for (const s of surveys) {
    for (let i = 0; i < (opts.responses ?? 5); i++) insert(s.id, clock.now() - 86_400_000 + i * 1000, { QID1: (i % 3) + 1 });
    insert(s.id, clock.now() - 3_600_000, { QID1: 2 }, true);
  }

  const world: SimWorld = {
    seed: opts.seed ?? 7,
    clock,
    surveys: () => surveys,
    survey: (id) => surveys.find((s) => s.id === id),
    responses: (id, o = {}) => live(id, o.asOf).filter((r) => r.inProgress === (o.inProgress ?? false)),
    response: (id, rid) => live(id).find((r) => r.responseId === rid),
    count: (id) => live(id).filter((r) => !r.inProgress).length,
    add: (id, n) => Array.from({ length: n }, () => insert(id, clock.now(), { QID1: 1 })),
    edit(id, selector) {
      const now = clock.now();
      return select(id, selector).map((r) => {
        const last = r.versions[r.versions.length - 1]!;
        r.versions.push({ ...last, at: now, answers: { ...last.answers, QID2: `edited at ${now}` } });
        return r.responseId;
      });
    },
    delete(id, selector) {
      const now = clock.now();
      return select(id, selector).map((r) => {
        r.deletedAt = now;
        return r.responseId;
      });
    },
    create: (id, values) => insert(id, clock.now(), values),
    updateEmbeddedData(id, rid, embedded, reset) {
      const r = select(id, { responseIds: [rid] })[0];
      if (!r) return false;
      const last = r.versions[r.versions.length - 1]!;
      const now = clock.now();
      const recordedDate = reset ? now : last.recordedDate + 1;
      r.versions.push({ ...last, at: now, embedded: { ...last.embedded, ...embedded }, recordedDate });
      return true;
    },
    filterAdmits: (_id, filterId, r) => filterId === 'FILTER_even' && Number(r.answers['QID1']) % 2 === 0,
  };
  return world;
}

export const fakeShapes: SimShapes = {
  surveyListElement: (s) => ({
    id: s.id,
    name: s.name,
    ownerId: s.ownerId,
    lastModified: new Date(s.lastModified).toISOString().replace('.000', ''),
    creationDate: new Date(s.creationDate).toISOString().replace('.000', ''),
    isActive: s.isActive,
  }),
  surveyLegacy: (s) => ({ id: s.id, name: s.name, questions: {} }),
  surveyDefinition: (s) => ({ SurveyID: s.id, SurveyName: s.name }),
  singleResponse: (_s, r) => ({ responseId: r.responseId, values: r.answers, labels: {} }),
  groundTruthLine: (_s, r) =>
    JSON.stringify({
      responseId: r.responseId,
      recordedDate: new Date(r.meta.recordedDate).toISOString(),
      lastModifiedDate: new Date(r.meta.lastModifiedDate).toISOString(),
      values: r.answers,
    }),
};

/** Which responses an export selects, per the contract's options (shared by the fake builder and assertions). */
export function selectForExport(world: SimWorld, surveyId: string, o: ExportOptions): SimResponse[] {
  const key = (r: SimResponse) => (o.sortByLastModifiedDate ? r.meta.lastModifiedDate : r.meta.recordedDate);
  let rows = [...world.responses(surveyId, { asOf: o.asOf, inProgress: o.exportResponsesInProgress })];
  if (o.filterId !== undefined) rows = rows.filter((r) => world.filterAdmits(surveyId, o.filterId!, r));
  if (o.since !== undefined) rows = rows.filter((r) => key(r) >= o.since!);
  if (o.startDate !== undefined) rows = rows.filter((r) => key(r) >= o.startDate!);
  if (o.endDate !== undefined) rows = rows.filter((r) => key(r) < o.endDate!);
  if (o.sortByLastModifiedDate) rows.sort((a, b) => key(a) - key(b));
  return o.limit === undefined ? rows : rows.slice(0, o.limit);
}

/** The fake export builder: JSON or CSV of response ids (and values), zipped when `compress`. */
export const fakeBuildExport: BuildExport = (world, surveyId, options) => {
  const survey = world.survey(surveyId)!;
  const ext = options.format;
  const render = (): string => {
    const rows = selectForExport(world, surveyId, options);
    if (ext === 'json') return JSON.stringify({ responses: rows.map((r) => ({ responseId: r.responseId, values: r.answers })) });
    return ['ResponseId', ...rows.map((r) => r.responseId)].join('\r\n') + '\r\n';
  };
  const entryName = `${survey.name}.${ext}`;
  return {
    entryName,
    contentType: options.compress ? 'application/zip' : ext === 'json' ? 'application/json' : 'text/csv',
    open() {
      if (!options.compress) return Readable.from([Buffer.from(render())]);
      const zip = new yazl.ZipFile();
      zip.addBuffer(Buffer.from(render()), entryName);
      zip.end();
      const out = new PassThrough();
      zip.outputStream.pipe(out);
      return out;
    },
  };
};
