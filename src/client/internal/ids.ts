import { InvalidParameterError } from '../errors.ts';

function show(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Survey ids: `SV_` and 11–15 letters or digits (FACTS.md §3, the spec's regex). */
export function assertSurveyId(id: unknown, param = 'surveyId'): asserts id is string {
  if (typeof id !== 'string' || !/^SV_[A-Za-z0-9]{11,15}$/.test(id)) {
    throw new InvalidParameterError(param, `${param} must be a survey id like SV_1234567890abcde (SV_ and 11–15 letters or digits) (got ${show(id)})`);
  }
}

/** Response ids: `R_` (completed) or `FS_` (in progress) and 10–20 letters or digits. */
export function assertResponseId(id: unknown, param = 'responseId'): asserts id is string {
  if (typeof id !== 'string' || !/^(R|FS)_[A-Za-z0-9]{10,20}$/.test(id)) {
    throw new InvalidParameterError(param, `${param} must be a response id like R_1abcDEF2ghiJKL3 (got ${show(id)})`);
  }
}

/**
 * Other ids that go into a path (export progress ids `ES_…`, file ids `<uuid>-def`, filter ids): checked only to be
 * a single safe path segment, since their formats are not documented.
 */
export function assertPathSegment(id: unknown, param: string): asserts id is string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/.test(id)) {
    throw new InvalidParameterError(param, `${param} must be a Qualtrics id (letters, digits, "_", "-", ".") (got ${show(id)})`);
  }
}
