import { ResponseNotAvailableError } from '../errors.ts';
import { assertResponseId, assertSurveyId } from '../internal/ids.ts';
import { APIResource, type RequestOptions, resultOf, withOptions } from '../internal/resource.ts';

/** `GET /surveys/{surveyId}/responses/{responseId}` result: the same object as one json-export response (FACTS.md §6). */
export interface SingleResponse {
  /** `R_…` */
  responseId: string;
  /** Metadata (camelCase: startDate, status, progress, finished, …), answers (`QID1`, `QID2_TEXT`, …) and embedded data. */
  values: Record<string, unknown>;
  /** Labels of coded values. */
  labels: Record<string, unknown>;
  displayedFields?: string[];
  displayedValues?: Record<string, unknown>;
}

/** Options of `responses.get`. */
export interface ResponseGetOptions extends RequestOptions {
  /**
   * Retry while Qualtrics answers 202 "not yet available" (right after completion, e.g. on a webhook). Default true;
   * false throws `ResponseNotAvailableError` at the first 202.
   */
  waitWhileNotAvailable?: boolean;
  /** Longest total wait for availability (ms); default 60000. */
  maxWaitMs?: number;
}

/** Parameters of `responses.create` (`POST /surveys/{surveyId}/responses`). */
export interface ResponseCreateParams {
  /** Same keys as `SingleResponse.values`. */
  values: Record<string, unknown>;
  /**
   * Sent as `Idempotency-Key` (a UUID): Qualtrics then ignores a repeat, so the request becomes safe to retry after
   * an ambiguous failure. Without it a create is retried only when it provably never reached Qualtrics.
   */
  idempotencyKey?: string;
}

/** Parameters of `responses.updateEmbeddedData` (`PUT /responses/{responseId}`). */
export interface ResponseUpdateEmbeddedDataParams {
  /** Embedded-data field → value. Fields not in the survey flow stay hidden. */
  embeddedData: Record<string, string>;
  /** false (default) moves recordedDate by +1 ms; true resets it to now. */
  resetRecordedDate?: boolean;
}

/** Parameters of `responses.delete`. */
export interface ResponseDeleteParams {
  /** Also decrement quota counts (default false). */
  decrementQuotas?: boolean;
}

const MAX_202_DELAY_MS = 10_000;

/** Single survey responses (FACTS.md §6). */
export class Responses extends APIResource {
  /** `GET /surveys/{surveyId}/responses/{responseId}`, waiting out 202 "not yet available" with backoff. */
  async get(surveyId: string, responseId: string, opts: ResponseGetOptions = {}): Promise<SingleResponse> {
    assertSurveyId(surveyId);
    assertResponseId(responseId);
    const wait = opts.waitWhileNotAvailable ?? true;
    const maxWaitMs = opts.maxWaitMs ?? 60_000;
    const started = this.ctx.clock.now();
    for (let attempt = 0; ; attempt++) {
      const res = await this.ctx.pipeline.json(withOptions({ method: 'GET', path: `/surveys/${surveyId}/responses/${responseId}` }, opts));
      if (res.status !== 202) return resultOf(res.body) as SingleResponse;
      const waited = this.ctx.clock.now() - started;
      const delay = Math.min(MAX_202_DELAY_MS, Math.max(100, this.ctx.retryDelayMs) * 2 ** attempt, maxWaitMs - waited);
      if (!wait || delay <= 0) {
        throw new ResponseNotAvailableError(
          `response ${responseId} of survey ${surveyId} is not yet available (Qualtrics answered 202${wait ? ` for ${Math.round(waited / 1000)} s` : ''}); try again later`,
          { surveyId, responseId },
        );
      }
      this.ctx.logger.debug({ path: '/surveys/{surveyId}/responses/{responseId}', delayMs: delay }, 'response not yet available; waiting');
      await this.ctx.sleep(delay, opts.signal);
    }
  }

  /** `POST /surveys/{surveyId}/responses`: creates a completed response; returns its id. */
  async create(surveyId: string, params: ResponseCreateParams, opts: RequestOptions = {}): Promise<{ responseId: string }> {
    assertSurveyId(surveyId);
    const key = params.idempotencyKey;
    return this.result<{ responseId: string }>(
      {
        method: 'POST',
        path: `/surveys/${surveyId}/responses`,
        body: { values: params.values },
        ...(key ? { headers: { 'Idempotency-Key': key }, idempotent: true } : {}),
      },
      opts,
    );
  }

  /** `PUT /responses/{responseId}`: sets embedded data of one response (only embedded data can be updated). */
  async updateEmbeddedData(surveyId: string, responseId: string, params: ResponseUpdateEmbeddedDataParams, opts: RequestOptions = {}): Promise<void> {
    assertSurveyId(surveyId);
    assertResponseId(responseId);
    await this.result<unknown>(
      {
        method: 'PUT',
        path: `/responses/${responseId}`,
        body: { surveyId, embeddedData: params.embeddedData, resetRecordedDate: params.resetRecordedDate ?? false },
      },
      opts,
    );
  }

  /** `DELETE /surveys/{surveyId}/responses/{responseId}`. */
  async delete(surveyId: string, responseId: string, params: ResponseDeleteParams = {}, opts: RequestOptions = {}): Promise<void> {
    assertSurveyId(surveyId);
    assertResponseId(responseId);
    await this.result<unknown>(
      { method: 'DELETE', path: `/surveys/${surveyId}/responses/${responseId}`, query: { decrementQuotas: params.decrementQuotas } },
      opts,
    );
  }
}
