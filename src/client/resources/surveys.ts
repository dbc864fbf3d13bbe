import { assertSurveyId } from '../internal/ids.ts';
import { APIResource, type RequestOptions } from '../internal/resource.ts';
import type { PagedList } from '../pagination.ts';

/** An element of `GET /surveys` (FACTS.md §7). */
export interface SurveySummary {
  /** Survey id (`SV_…`). */
  id: string;
  name: string;
  /** Owner user id (`UR_…`). */
  ownerId: string;
  /** ISO 8601 UTC. */
  lastModified: string;
  /** ISO 8601 UTC. */
  creationDate: string;
  isActive: boolean;
}

/** One question of the legacy `GET /surveys/{surveyId}` shape. */
export interface SurveyQuestion {
  questionType: { type: string; selector: string; subSelector?: string | null };
  /** HTML. */
  questionText: string;
  questionLabel?: string | null;
  /** Export tag (column name). */
  questionName: string;
  validation?: { doesForceResponse?: boolean };
  choices?: Record<string, { recode: string; description: string; choiceText: string; imageDescription?: string | null; variableName?: string | null; analyze?: boolean }>;
  [key: string]: unknown;
}

/** `GET /surveys/{surveyId}` result (legacy shape, FACTS.md §7); fields beyond these are kept as sent. */
export interface Survey {
  id: string;
  name: string;
  ownerId: string;
  organizationId: string;
  isActive: boolean;
  creationDate: string;
  lastModifiedDate: string;
  expiration?: { startDate: string | null; endDate: string | null };
  questions: Record<string, SurveyQuestion>;
  /** Export tag → question id. */
  exportColumnMap?: Record<string, { question: string; choice?: string; textEntry?: string }>;
  blocks?: Record<string, { description: string; elements: Array<{ type: string; questionId?: string }> }>;
  flow?: Array<{ type: string; id?: string; flow?: unknown[] }>;
  embeddedData?: Array<{ name: string; defaultValue?: string }>;
  responseCounts?: { auditable: number; generated: number; deleted: number };
  [key: string]: unknown;
}

/** An element of `GET /surveys/{surveyId}/filters` (FACTS.md §5.4). */
export interface SurveyFilter {
  filterId: string;
  filterName: string;
  creationDate: string;
}

/** Parameters of `surveys.list`. */
export interface SurveyListParams {
  /** Start after this many surveys (Qualtrics pages by `offset`). */
  offset?: number;
}

/** Surveys visible to the user. */
export class Surveys extends APIResource {
  /** `GET /surveys`: awaitable for the first page, async-iterable over every survey. */
  list(params: SurveyListParams = {}, opts: RequestOptions = {}): PagedList<SurveySummary> {
    return this.paged<SurveySummary>({ method: 'GET', path: '/surveys', query: { offset: params.offset } }, opts);
  }

  /** `GET /surveys/{surveyId}`: questions, blocks, flow, export column map. */
  async get(surveyId: string, opts: RequestOptions = {}): Promise<Survey> {
    assertSurveyId(surveyId);
    return this.result<Survey>({ method: 'GET', path: `/surveys/${surveyId}` }, opts);
  }

  /** `GET /surveys/{surveyId}/filters`: saved filters usable as an export's `filterId`. */
  filters(surveyId: string, opts: RequestOptions = {}): PagedList<SurveyFilter> {
    return this.paged<SurveyFilter>({ method: 'GET', path: `/surveys/${surveyId}/filters` }, opts, () => assertSurveyId(surveyId));
  }
}
