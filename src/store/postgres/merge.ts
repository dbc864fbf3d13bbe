/**
 * The merge of a staged batch: one statement that probes the survey's stored rows once per staged response (an
 * index probe, never a scan of the survey), inserts the new responses plainly into `responses` and the wide table,
 * upserts the changed ones (`INSERT … ON CONFLICT DO UPDATE … WHERE` the content hash differs), and removes
 * in-progress rows of the responses written. A staged response older than the stored one (an earlier
 * `last_modified_date`, both known) is skipped like an unchanged one: the newer stored version stays. Plain inserts
 * are safe because writers of one survey take turns (the caller holds the survey's write lock), so a response the
 * probe does not find cannot appear before the insert.
 *
 * A batch of responses none of which is stored yet (every batch of a first load) takes a shorter statement first:
 * it inserts the stage as it is, read once in order, and does nothing when the probe finds any staged response;
 * only then does the full merge run. That statement is planned in a tenth of the time and runs in about two thirds.
 */
import type pg from 'pg';
import { quoteIdent } from '../internal/names.ts';
import { META_COLUMNS } from '../internal/row-codec.ts';
import type { UpsertResult } from '../store.ts';
import { typedColumns } from './encode.ts';
import type { LayoutState } from './layouts.ts';

const META = META_COLUMNS.map((m) => m.column);
const RESPONSE_DATA = [...META, 'values_json', 'labels_json', 'row_hash'];

/**
 * Merges `stage` (columns `response_id`, the metadata, `values_json`, `labels_json`, `row_hash`, then `w<i>` per
 * typed column in layout order) into survey `state.surveyId`. Counts come from the stored state before the merge.
 * With long-form answers on, the unchanged responses are also removed from the stage, which then holds exactly the
 * responses written.
 */
export async function mergeStage(
  db: pg.ClientBase,
  state: LayoutState,
  stage: string,
  total: number,
  now: string,
): Promise<Pick<UpsertResult, 'inserted' | 'updated' | 'unchanged' | 'stale' | 'restored'>> {
  const sql = mergeSql(state, stage);
  const fresh = await db.query<{ stored: boolean }>(sql.allNew, [state.surveyId, now]);
  if (fresh.rows[0]?.stored === false) {
    if (state.longAnswers) await db.query(answersFromJson(stage), [state.surveyId]);
    return { inserted: total, updated: 0, unchanged: 0, stale: 0, restored: 0 };
  }
  const { rows } = await db.query<{ existing: number; unchanged: number; stale: number; restored: number }>(sql.merge, [
    state.surveyId,
    now,
  ]);
  const { existing, unchanged, stale, restored } = rows[0]!;
  const counts = { inserted: total - existing, updated: existing - unchanged, unchanged, stale, restored };
  if (state.longAnswers && counts.inserted + counts.updated > 0) {
    if (counts.updated > 0) {
      await db.query(
        `DELETE FROM answers WHERE survey_id = $1 AND response_id = ANY (ARRAY(SELECT response_id FROM ${stage}))`,
        [state.surveyId],
      );
    }
    await db.query(answersFromJson(stage), [state.surveyId]);
  }
  return counts;
}

/** The two statements of a merge ($1 survey id, $2 now): the all-new insert, then the full merge. */
function mergeSql(state: LayoutState, stage: string): { allNew: string; merge: string } {
  const wide = typedColumns(state).map((c) => quoteIdent(c.sqlName));
  const wideTable = quoteIdent(state.tableName);
  const responseCols = RESPONSE_DATA.join(', ');
  const responseCells = RESPONSE_DATA.map((c) => `s.${c}`).join(', ');
  const insertResponses = `INSERT INTO responses (survey_id, response_id, ${responseCols}, synced_at)
       SELECT $1, s.response_id, ${responseCells}, $2`;
  const insertWide = `INSERT INTO ${wideTable} ("response_id", "synced_at"${wide.map((n) => `, ${n}`).join('')})
       SELECT s.response_id, $2${wide.map((_, i) => `, s.w${i}`).join('')}`;
  const complete = (ids: string) => `DELETE FROM in_progress_responses
       WHERE EXISTS (SELECT FROM in_progress_responses x WHERE x.survey_id = $1)
         AND survey_id = $1 AND response_id = ANY (ARRAY(SELECT s.response_id ${ids}))`;
  // The probe stops at the first stored response it finds; the inserts and the delete run only when it finds none.
  const allNew = `WITH probe AS (
       SELECT EXISTS (SELECT FROM ${stage} s CROSS JOIN LATERAL (
         SELECT FROM responses r WHERE r.survey_id = $1 AND r.response_id = s.response_id LIMIT 1) p) AS stored),
     fresh AS (${insertResponses} FROM ${stage} s WHERE NOT (SELECT stored FROM probe)),
     fresh_wide AS (${insertWide} FROM ${stage} s WHERE NOT (SELECT stored FROM probe)),
     completed AS (${complete(`FROM ${stage} s`)} AND NOT (SELECT stored FROM probe))
     SELECT stored FROM probe`;
  // Each staged row is read back by its ctid (a TID scan): the plan is the same whatever the planner guesses of
  // the fresh temp table, with no join that could hash or sort the stage.
  const staged = (where: string) => `FROM probe o CROSS JOIN LATERAL (SELECT * FROM ${stage} t WHERE t.ctid = o.at OFFSET 0) s WHERE ${where}`;
  // LATERAL … LIMIT 1 keeps the probe an index lookup per staged row; hashing the survey's whole `responses`
  // instead would make every batch cost as much as the survey. `same` means "not written": identical content,
  // or an older version (`stale`; a comparison with a null date is null, so unknown dates never skip).
  const merge = `WITH probe AS MATERIALIZED (
       SELECT q.at, q.found, q.same OR q.stale AS same, q.stale, q.deleted AND NOT q.stale AS restored
       FROM (
         SELECT s.ctid AS at, p.row_hash IS NOT NULL AS found, coalesce(p.row_hash = s.row_hash AND NOT p.deleted, false) AS same,
           coalesce(s.last_modified_date < p.last_modified_date, false) AS stale, coalesce(p.deleted, false) AS deleted
         FROM ${stage} s LEFT JOIN LATERAL (
           SELECT r.row_hash, r.deleted_at IS NOT NULL AS deleted, r.last_modified_date FROM responses r
           WHERE r.survey_id = $1 AND r.response_id = s.response_id LIMIT 1) p ON true) q),
     fresh AS (${insertResponses} ${staged('NOT o.found')}),
     fresh_wide AS (${insertWide} ${staged('NOT o.found')}),
     edited AS (
       INSERT INTO responses AS r (survey_id, response_id, ${responseCols}, synced_at)
       SELECT $1, s.response_id, ${responseCells}, $2 ${staged('o.found AND NOT o.same')}
       ON CONFLICT (survey_id, response_id) DO UPDATE SET ${RESPONSE_DATA.map((c) => `${c} = excluded.${c}`).join(', ')},
         synced_at = excluded.synced_at, deleted_at = NULL
       WHERE r.row_hash IS DISTINCT FROM excluded.row_hash OR r.deleted_at IS NOT NULL),
     edited_wide AS (
       ${insertWide} ${staged('o.found AND NOT o.same')}
       ON CONFLICT ("response_id") DO UPDATE SET "synced_at" = excluded."synced_at", "deleted_at" = NULL${wide
         .map((n) => `, ${n} = excluded.${n}`)
         .join('')}),
     completed AS (${complete(staged('NOT o.same'))})${
       state.longAnswers
         ? `,
     kept AS (DELETE FROM ${stage} s USING probe o WHERE s.ctid = o.at AND o.same)`
         : ''
     }
     SELECT count(*) FILTER (WHERE found)::int AS existing, count(*) FILTER (WHERE same)::int AS unchanged,
       count(*) FILTER (WHERE stale)::int AS stale, count(*) FILTER (WHERE restored)::int AS restored
     FROM probe`;
  return { allNew, merge };
}

/**
 * `INSERT INTO answers` from `source` (a table with `response_id`, `values_json`, `labels_json` of survey $1): one
 * row per non-metadata column with a value. `json_each_text` on `json` (kept verbatim) returns strings unescaped and
 * numbers, booleans, arrays and objects as the exact text JavaScript wrote: the same text `cellText` gives.
 */
export function answersFromJson(source: string): string {
  return `INSERT INTO answers (survey_id, response_id, column_key, import_id, value, label)
    SELECT $1, s.response_id, v.key, c.import_id, v.value, s.labels_json ->> v.key
    FROM ${source} s CROSS JOIN LATERAL json_each_text(s.values_json) v
    JOIN survey_columns c ON c.survey_id = $1 AND c.column_key = v.key
    WHERE v.value IS NOT NULL AND NOT c.is_metadata`;
}
