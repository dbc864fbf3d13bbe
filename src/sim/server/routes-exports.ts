import { validateExportOptions } from '../export/index.ts';
import { ok, param, readJson, requireSurvey, type ServerState, type SimContext } from './context.ts';
import { ErrorCodes, SimHttpError } from './envelope.ts';
import { parseExportRequest } from './export-options.ts';
import { streamBody } from './raw-send.ts';

/** `POST /surveys/{surveyId}/export-responses` (FACTS.md §5.1): validates every option, then starts a job. */
export async function startExport(c: SimContext, state: ServerState): Promise<Response> {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const request = parseExportRequest(await readJson(c), survey);
  // The builder's own check, as a second gate: an option combination it cannot render must not start a job.
  const problems = validateExportOptions({ ...request.options, asOf: state.world.clock.now() }, request.given);
  if (problems.length > 0) throw new SimHttpError(400, ErrorCodes.invalidValue, `${problems[0]}.`);
  const { progressId } = state.jobs.start(survey.id, request, c.get('exportFail') === true);
  return ok(c, { progressId, percentComplete: 0, status: 'inProgress' });
}

/** `GET /surveys/{surveyId}/export-responses/{progressId}` (FACTS.md §5.2). */
export function exportProgress(c: SimContext, state: ServerState): Response {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  return ok(c, state.jobs.progress(survey.id, param(c, 'progressId')));
}

/** `GET /surveys/{surveyId}/export-responses/{fileId}/file` (FACTS.md §5.3): streams the file, never buffered. */
export async function exportFile(c: SimContext, state: ServerState): Promise<Response> {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const { file, compress } = state.jobs.file(survey.id, param(c, 'fileId'));
  const name = compress ? `${file.entryName.replace(/\.[^.]*$/, '')}.zip` : file.entryName;
  const headers = {
    'content-type': file.contentType,
    'content-disposition': contentDisposition(name),
    'request-time': '0',
  };
  return streamBody(c, headers, () => file.open(), c.get('truncate') === true);
}

/** `attachment` with an ASCII fallback and the RFC 5987 UTF-8 name (survey names may hold any character). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
