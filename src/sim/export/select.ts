import type { ExportOptions, SimResponse, SimWorld } from '../contract.ts';

/**
 * The responses an export contains, in file order, generated one at a time (FACTS.md §5.1):
 * - completed responses as of `asOf`, by recorded date, or by last-modified date with sortByLastModifiedDate;
 *   with exportResponsesInProgress only the in-progress sessions (by start date; sorting has no effect);
 * - `startDate` inclusive / `endDate` exclusive, and `since` (continuation) inclusive, on the recorded date — or on
 *   the last-modified date when sorting by it, or on the start date for in-progress sessions;
 * - `filterId` (a saved filter), then `limit`.
 */
export function selectResponses(world: SimWorld, surveyId: string, o: ExportOptions): Iterable<SimResponse> {
  const inProgress = o.exportResponsesInProgress;
  const byModified = o.sortByLastModifiedDate && !inProgress;
  const from = Math.max(o.startDate ?? Number.NEGATIVE_INFINITY, o.since ?? Number.NEGATIVE_INFINITY);
  const to = o.endDate ?? Number.POSITIVE_INFINITY;
  // The bounds go to the world as hints so that it skips, without generating them, responses outside them.
  const source = world.responses(surveyId, {
    inProgress,
    asOf: o.asOf,
    order: byModified ? 'lastModified' : 'recorded',
    from,
    to,
  });
  // Nothing to bound, filter or count: the world's own sequence is the file's.
  if (from === Number.NEGATIVE_INFINITY && to === Number.POSITIVE_INFINITY && o.limit === undefined && o.filterId === undefined) {
    return source;
  }
  const keyOf = inProgress
    ? (r: SimResponse) => r.meta.startDate
    : byModified
      ? (r: SimResponse) => r.meta.lastModifiedDate
      : (r: SimResponse) => r.meta.recordedDate;
  return bounded(world, surveyId, o, source, keyOf, from, to);
}

function* bounded(
  world: SimWorld,
  surveyId: string,
  o: ExportOptions,
  source: Iterable<SimResponse>,
  keyOf: (r: SimResponse) => number,
  from: number,
  to: number,
): Generator<SimResponse> {
  const limit = o.limit ?? Number.POSITIVE_INFINITY;
  let emitted = 0;
  if (limit <= 0) return;
  for (const r of source) {
    const key = keyOf(r);
    // The source is ordered by this key, so nothing after the first response at/after `endDate` can qualify.
    if (key >= to) break;
    if (key < from) continue;
    if (o.filterId !== undefined && !world.filterAdmits(surveyId, o.filterId, r)) continue;
    yield r;
    if (++emitted >= limit) return;
  }
}
