import { assertSurveyId } from '../internal/ids.ts';
import { APIResource, type RequestOptions } from '../internal/resource.ts';

/** `GET /survey-definitions/{surveyId}` result (FACTS.md §7, QSF-like); other fields are kept as sent. */
export interface SurveyDefinition {
  SurveyID: string;
  SurveyName: string;
  /** Inactive, Active, Pending, LibBlock, Deactive or Temporary. */
  SurveyStatus: string;
  /** Number of questions, as a string. */
  QuestionCount?: string;
  OwnerID?: string;
  BrandID?: string;
  /** Host of the brand, e.g. "https://myorg.iad1.qualtrics.com/". */
  BrandBaseURL?: string;
  LastModified?: string;
  /** Questions keyed by `QID…`, in QSF payload form. */
  Questions: Record<string, Record<string, unknown>>;
  Blocks?: unknown;
  SurveyFlow?: unknown;
  SurveyOptions?: Record<string, unknown>;
  ResponseSets?: unknown;
  Scoring?: unknown;
  ProjectInfo?: unknown;
  [key: string]: unknown;
}

/** Parameters of `surveyDefinitions.get`. */
export interface SurveyDefinitionGetParams {
  /** "qsf" returns the survey in QSF export form. */
  format?: 'qsf';
}

/** Full survey definitions (questions, blocks, flow, options). */
export class SurveyDefinitions extends APIResource {
  /** `GET /survey-definitions/{surveyId}`. Needs scope read:surveys. */
  async get(surveyId: string, params: SurveyDefinitionGetParams = {}, opts: RequestOptions = {}): Promise<SurveyDefinition> {
    assertSurveyId(surveyId);
    return this.result<SurveyDefinition>({ method: 'GET', path: `/survey-definitions/${surveyId}`, query: { format: params.format } }, opts);
  }
}
