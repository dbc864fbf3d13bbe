import type { ExportOptions, SimResponse, SimSurvey } from '../contract.ts';
import { metadataIds } from './metadata-columns.ts';
import { ResponseJsonWriter } from './json-text.ts';
import type { JsonSelection } from './values.ts';

/** What a json/ndjson export includes, from its options (question, embedded-data and metadata ids). */
export function jsonSelection(o: ExportOptions): JsonSelection {
  return {
    metadataIds: metadataIds(o),
    questionIds: o.questionIds ? new Set(o.questionIds) : undefined,
    embeddedDataIds: o.embeddedDataIds ? new Set(o.embeddedDataIds) : undefined,
  };
}

/** `{"responses":[…]}`, one response object at a time. */
export function* jsonPieces(survey: SimSurvey, responses: Iterable<SimResponse>, o: ExportOptions): Generator<string> {
  const writer = new ResponseJsonWriter(survey, jsonSelection(o));
  yield '{"responses":[';
  let first = true;
  for (const r of responses) {
    yield (first ? '' : ',') + writer.text(r);
    first = false;
  }
  yield ']}';
}

/** One response object per line (LF-terminated). */
export function* ndjsonPieces(survey: SimSurvey, responses: Iterable<SimResponse>, o: ExportOptions): Generator<string> {
  const writer = new ResponseJsonWriter(survey, jsonSelection(o));
  for (const r of responses) yield writer.text(r) + '\n';
}
