import type { SurveySummary } from '../../client/index.ts';
import { type ConnectionFlags, createClient } from '../connection.ts';
import { type CliIo, processIo, table, writeJson } from '../io.ts';

/** Flags of `qsync surveys list` and `qsync surveys get`. */
export interface SurveysFlags extends ConnectionFlags {
  json?: boolean;
}

/**
 * `qsync surveys list`: every survey across pages. `--json` prints one JSON array (collected first: survey lists
 * are small); otherwise a table is printed as pages arrive.
 */
export async function runSurveysList(flags: SurveysFlags, io: CliIo = processIo()): Promise<void> {
  const client = createClient(flags, io);
  if (flags.json) {
    writeJson(io.stdout, await client.surveys.list().toArray());
    return;
  }
  let count = 0;
  for await (const page of client.surveys.list().pages()) {
    const rows = page.elements.map((s: SurveySummary) => [s.id, s.isActive ? 'active' : 'inactive', s.lastModified.slice(0, 10), s.name]);
    if (count === 0) rows.unshift(['ID', 'STATUS', 'MODIFIED', 'NAME']);
    if (rows.length > 0) io.stdout.write(`${table(rows)}\n`);
    count += page.elements.length;
  }
  io.stderr.write(`${count} ${count === 1 ? 'survey' : 'surveys'}\n`);
}

/** `qsync surveys get <surveyId>`: the legacy survey object, as a summary or (`--json`) whole. */
export async function runSurveysGet(surveyId: string, flags: SurveysFlags, io: CliIo = processIo()): Promise<void> {
  const client = createClient(flags, io);
  const survey = await client.surveys.get(surveyId);
  if (flags.json) {
    writeJson(io.stdout, survey);
    return;
  }
  const questions = Object.entries(survey.questions ?? {});
  const counts = survey.responseCounts;
  const rows = [
    ['id', survey.id],
    ['name', survey.name],
    ['status', survey.isActive ? 'active' : 'inactive'],
    ['owner', survey.ownerId],
    ['created', survey.creationDate],
    ['modified', survey.lastModifiedDate],
    ['questions', String(questions.length)],
    ['responses', counts ? `${counts.auditable} auditable, ${counts.generated} generated, ${counts.deleted} deleted` : 'unknown'],
  ];
  io.stdout.write(`${table(rows)}\n`);
  if (questions.length > 0) {
    const list = questions.map(([qid, q]) => [qid, q.questionName, `${q.questionType.type}/${q.questionType.selector}`, oneLine(q.questionText)]);
    io.stdout.write(`\n${table([['QID', 'TAG', 'TYPE', 'TEXT'], ...list])}\n`);
  }
}

/** Question text without HTML tags or line breaks, cut to 70 characters. */
function oneLine(html: string): string {
  const text = html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 70 ? `${text.slice(0, 69)}…` : text;
}
