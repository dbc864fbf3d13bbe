/**
 * The seam between the simulator's data side (`src/sim/world/`, `src/sim/export/`) and its HTTP side
 * (`src/sim/server/`). Both sides are written against these types; change them only with both sides in view.
 *
 * Times are epoch milliseconds of the *simulated* clock (`SimClock`), never `Date.now()` directly, so that
 * `POST /_sim/clock {"advanceMs":N}` moves everything: token expiry, file expiry, continuation-token expiry,
 * export progress and the 202 "not yet available" window.
 */

/** The simulated clock: real time plus an offset that only grows. */
export interface SimClock {
  now(): number;
  advance(ms: number): void;
}

/** Qualtrics question families the generator produces (QSF `QuestionType`). */
export type SimQuestionType = 'MC' | 'Matrix' | 'TE' | 'Slider' | 'RO' | 'NPS' | 'SBS' | 'CS' | 'DB';

export interface SimChoice {
  /** Choice id as used in ImportIds and `values` (e.g. "1", "4"). */
  id: string;
  /** Recode value exported in numeric exports. */
  recode: number;
  text: string;
  /** True for an "Other, please specify" choice that has a `_TEXT` column. */
  textEntry?: boolean;
}

export interface SimQuestion {
  /** `QID<n>`. */
  id: string;
  /** Export tag (column name in csv/tsv row 1), e.g. `Q1`, `Q3.2`, or a user-chosen tag. May repeat across questions. */
  exportTag: string;
  type: SimQuestionType;
  /** QSF selector: SAVR/MAVR/SAHR/Likert/SL/ML/ESTB/FORM/HSLIDER/DND/NPS/… */
  selector: string;
  subSelector?: string;
  /** Question text (plain; the definition endpoints may wrap it in HTML). */
  text: string;
  choices?: SimChoice[];
  /** Matrix statements / side-by-side rows / form fields / slider rows. */
  answers?: SimChoice[];
  /** Block the question sits in (`BL_…`). */
  blockId: string;
  /** True when the question's block is looped (loop and merge); its columns repeat per loop field. */
  looped?: boolean;
  /** True when choices are shown in random order: the question gets a `_DO` (display order) field. */
  randomized?: boolean;
  /** Side-by-side (`SBS`) only: the columns, each a single-answer scale over `answers` (the rows). */
  sbsColumns?: SimSbsColumn[];
}

/** One column of a side-by-side question: its columns are named `QIDn#<id>_<row>`. */
export interface SimSbsColumn {
  /** Column number as used in `QIDn#<id>_<row>`. */
  id: string;
  text: string;
  choices: SimChoice[];
}

export interface SimFilter {
  filterId: string;
  filterName: string;
  creationDate: string;
}

/** A block of questions (`BL_…`), in flow order. */
export interface SimBlock {
  id: string;
  description: string;
  /** Loop and merge: the block repeats once per `SimSurvey.loops` label. */
  looped?: boolean;
}

export interface SimSurvey {
  id: string;
  name: string;
  ownerId: string;
  brandId: string;
  organizationId: string;
  creationDate: number;
  lastModified: number;
  isActive: boolean;
  questions: SimQuestion[];
  /** Embedded-data field names, in flow order. */
  embeddedData: string[];
  /** Loop-and-merge loop labels (e.g. ["1","2","3"]), empty when the survey has no loop. */
  loops: string[];
  filters: SimFilter[];
  /** Blocks in flow order (descriptions for the definition endpoints); absent means "derive from questions". */
  blocks?: SimBlock[];
}

/** Response metadata in the JSON export's camelCase names. */
export interface SimResponseMeta {
  startDate: number;
  endDate: number;
  /** 0 for in-progress sessions (rendered empty in exports). */
  recordedDate: number;
  lastModifiedDate: number;
  /** 0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported, 8 Spam, 16 Offline … */
  status: number;
  ipAddress: string;
  progress: number;
  duration: number;
  finished: boolean;
  distributionChannel: string;
  userLanguage: string;
  locationLatitude: string;
  locationLongitude: string;
  recipientLastName: string;
  recipientFirstName: string;
  recipientEmail: string;
  externalDataReference: string;
}

export interface SimResponse {
  surveyId: string;
  /** `R_…` for completed responses, `FS_…` for in-progress sessions. */
  responseId: string;
  inProgress: boolean;
  meta: SimResponseMeta;
  /**
   * Answers exactly as the json/ndjson export's `values` object would hold them (without metadata keys and with
   * default options): `QID1: 2`, `QID2: [1,3]` (multi-answer), `QID3_1: 4` (matrix row), `QID4_TEXT: "…"`,
   * `QID1_DO: ["3","1","2"]` (display order: choice ids as strings, as in the documented single-response example),
   * embedded data by field name. Seen-but-unanswered and unanswered questions are absent here; the export writers
   * decide how each format renders them.
   */
  answers: Record<string, unknown>;
  /** Embedded-data values keyed by field name. */
  embedded: Record<string, string>;
  /**
   * Question ids shown to the respondent (loop-and-merge questions prefixed `<loop>_`, e.g. `2_QID5`). A shown
   * question without a key in `answers` is "seen but unanswered" (`seenUnansweredRecode`); a question not shown stays
   * empty. Absent means every question was shown.
   */
  displayed?: string[];
}

/** Which responses an export or a control call selects. */
export type ResponseSelector = { count: number } | { responseIds: string[] };

/** The simulator's state: generated lazily from the seed, plus an overlay of what happened since start. */
export interface SimWorld {
  readonly seed: number;
  readonly clock: SimClock;
  surveys(): SimSurvey[];
  survey(surveyId: string): SimSurvey | undefined;
  /**
   * Live completed responses (or in-progress sessions) in recorded-date order, generated on the fly.
   * `asOf` replays the overlay up to that simulated time: an export started at T sees the data as it was at T,
   * whatever is edited or deleted while it is being generated or downloaded. `order: 'lastModified'` (default
   * `'recorded'`) yields them by last-modified date instead (sortByLastModifiedDate). `from` and `to` (epoch ms) are
   * hints on the order's key (recorded or last-modified date) for completed responses: the iteration may leave out
   * responses keyed before `from`, and may end before the first response keyed at or after `to`; it leaves out
   * nothing else, so a caller that still filters on `from <= key < to` (stopping at the first key >= `to`) gets
   * the same responses either way, only sooner.
   */
  responses(
    surveyId: string,
    opts?: { inProgress?: boolean; asOf?: number; order?: 'recorded' | 'lastModified'; from?: number; to?: number },
  ): Iterable<SimResponse>;
  /** One live response by id (completed or in progress), or undefined. */
  response(surveyId: string, responseId: string): SimResponse | undefined;
  /** Number of live completed responses. */
  count(surveyId: string): number;
  /** Adds completed responses recorded "now"; returns their ids. */
  add(surveyId: string, count: number): string[];
  /** Changes answers and embedded data and bumps lastModifiedDate; returns the ids edited. */
  edit(surveyId: string, selector: ResponseSelector): string[];
  /** Deletes responses; returns the ids deleted. */
  delete(surveyId: string, selector: ResponseSelector): string[];
  /** POST /surveys/{id}/responses: creates a completed response from `values` (same keys as GET). */
  create(surveyId: string, values: Record<string, unknown>): string;
  /**
   * PUT /responses/{id}: sets embedded data and bumps lastModifiedDate; resetRecordedDate=true sets recordedDate
   * to now, false moves it by +1 ms. Returns false for an unknown or deleted response.
   */
  updateEmbeddedData(
    surveyId: string,
    responseId: string,
    embeddedData: Record<string, string>,
    resetRecordedDate: boolean,
  ): boolean;
  /** Whether a filter (by id) admits a response. */
  filterAdmits(surveyId: string, filterId: string, response: SimResponse): boolean;
}

export type ExportFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'spss' | 'xml';

/** A validated export request (FACTS.md §5.1), with dates already parsed. */
export interface ExportOptions {
  format: ExportFormat;
  compress: boolean;
  startDate?: number;
  endDate?: number;
  limit?: number;
  questionIds?: string[];
  embeddedDataIds?: string[];
  surveyMetadataIds?: string[];
  filterId?: string;
  seenUnansweredRecode?: number;
  multiselectSeenUnansweredRecode?: number;
  /** IANA zone for dates in csv/tsv/spss/xml; default UTC. */
  timeZone?: string;
  breakoutSets: boolean;
  exportResponsesInProgress: boolean;
  formatDecimalAsComma: boolean;
  sortByLastModifiedDate: boolean;
  newlineReplacement?: string;
  includeDisplayOrder: boolean;
  includeLabelColumns: boolean;
  useLabels: boolean;
  /** Set when the request carried a continuation token: only responses recorded (or modified) at/after this. */
  since?: number;
  /** Simulated time the export was started: the file shows the data as of then. */
  asOf: number;
}

/** What an export job produces: a file body streamed on demand (never held whole in memory). */
export interface ExportFile {
  /** `<Survey Name>.<ext>`: the zip's single entry, or the file itself when not compressed. */
  entryName: string;
  contentType: string;
  /** Writes the complete file (zipped when `compress`) to a fresh stream each call. */
  open(): NodeJS.ReadableStream;
}

/** Builds an export of `survey` with `options` at the current simulated time. */
export type BuildExport = (world: SimWorld, surveyId: string, options: ExportOptions) => ExportFile;

/** `src/sim/world/index.ts` exports `createWorld` of this type, and `createClock(): SimClock`. */
export type CreateWorld = (opts: {
  seed: number;
  /** Number of generated surveys (default 3). */
  surveys: number;
  /** Completed responses generated per survey at start (in-progress sessions come on top). */
  responsesPerSurvey: number;
  clock: SimClock;
}) => SimWorld;

/**
 * `src/sim/world/shapes.ts` exports these pure functions building the JSON `result` bodies (the server wraps them
 * in the envelope): `surveyListElement`, `surveyLegacy` (GET /surveys/{id}), `surveyDefinition`
 * (GET /survey-definitions/{id}), `singleResponse` (GET /surveys/{id}/responses/{rid} result:
 * `{responseId, values, labels, displayedFields, displayedValues}`), and `groundTruthLine` (one NDJSON line of
 * GET /_sim/surveys/{id}/responses: `{"responseId","recordedDate","lastModifiedDate","values"}` where `values` is
 * exactly the json export's `values` object for that response with default options, dates as ISO-8601 UTC).
 */
export interface SimShapes {
  surveyListElement(survey: SimSurvey): Record<string, unknown>;
  surveyLegacy(survey: SimSurvey): Record<string, unknown>;
  surveyDefinition(survey: SimSurvey): Record<string, unknown>;
  singleResponse(survey: SimSurvey, response: SimResponse): Record<string, unknown>;
  groundTruthLine(survey: SimSurvey, response: SimResponse): string;
}
