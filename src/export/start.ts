import {
  APIConnectionError,
  APIUserAbortError,
  InternalServerError,
  type QualtricsClient,
  type ResponseExportStartResult,
} from '../client/index.ts';
import { ExportStartUnknownError } from './errors.ts';
import type { ExportRequest } from './types.ts';

/**
 * Starts an export job (`POST /surveys/{surveyId}/export-responses`). The client validates the options first and
 * retries the request only when it provably did not reach Qualtrics (or was throttled with 429). When the outcome
 * is unknown (connection lost after sending, timeout, 5xx), this throws `ExportStartUnknownError` instead of trying
 * again: a second start could run a second job and, with continuation, consume the token twice.
 */
export async function startExportJob(
  client: QualtricsClient,
  request: ExportRequest,
  signal?: AbortSignal,
): Promise<ResponseExportStartResult> {
  const { surveyId } = request;
  try {
    return await client.responseExports.start(surveyId, request.params, signal ? { signal } : {});
  } catch (err) {
    const unknown = (err instanceof APIConnectionError && !err.notSent) || err instanceof InternalServerError;
    if (err instanceof APIUserAbortError) {
      throw new APIUserAbortError(`export of ${surveyId} aborted while starting it (a job may have started on Qualtrics)`);
    }
    if (!unknown) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new ExportStartUnknownError(
      `export start for ${surveyId} failed with an unknown outcome, so a job may have started on Qualtrics; it was not repeated automatically (starting is not idempotent). Wait a moment before starting another export. Cause: ${detail}`,
      { surveyId, cause: err },
    );
  }
}
