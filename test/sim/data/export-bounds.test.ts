import { describe, expect, it } from 'vitest';
import type { ExportOptions, SimResponse, SimWorld } from '../../../src/sim/contract.ts';
import { buildExport, defaultExportOptions } from '../../../src/sim/export/index.ts';
import { selectResponses } from '../../../src/sim/export/select.ts';
import { generatedCount } from '../../../src/sim/world/index.ts';
import { drain, makeWorld, surveyAt, T0 } from './helpers.ts';

const HOUR = 3_600_000;

/** The same world, minus the bound hints: every response is generated and the export filters them (the slow way). */
function withoutHints(world: SimWorld): SimWorld {
  return {
    ...world,
    responses: (id, o = {}) => world.responses(id, { inProgress: o.inProgress, asOf: o.asOf, order: o.order }),
  };
}

async function csvOf(world: SimWorld, surveyId: string, overrides: Partial<ExportOptions>): Promise<Buffer> {
  const options = defaultExportOptions({ format: 'csv', compress: false, asOf: world.clock.now(), ...overrides });
  return drain(buildExport(world, surveyId, options).open());
}

/** An hour on: every kind of overlay entry (edits, updates, deletes, adds), some of them on the `before` responses. */
function touch(world: SimWorld, surveyId: string, before: SimResponse[]): void {
  const ids = (rs: SimResponse[]) => ({ responseIds: rs.map((r) => r.responseId) });
  world.clock.advance(HOUR);
  world.edit(surveyId, { count: 40 });
  world.edit(surveyId, ids(before.slice(0, 2)));
  world.updateEmbeddedData(surveyId, before[2]!.responseId, { ed_new: 'x' }, false);
  world.updateEmbeddedData(surveyId, before[3]!.responseId, { ed_new: 'y' }, true);
  world.delete(surveyId, ids(before.slice(4, 5)));
  world.clock.advance(60_000);
  world.add(surveyId, 25);
  world.delete(surveyId, { count: 5 });
  world.clock.advance(60_000);
}

describe('exports bounded by date skip responses without generating them', () => {
  it('a late since over 200,000 responses generates only the matching ones, with the same bytes', async () => {
    const world = makeWorld(5, 200_000, 1);
    const surveyId = surveyAt(world, 0).id;
    // Base responses are recorded up to an hour before the clock's start, about 12 s apart: the last few of them.
    const last = [...world.responses(surveyId, { from: T0 - HOUR - 150_000 })];
    expect(last.length).toBeGreaterThanOrEqual(5);
    expect(last.length).toBeLessThan(20);
    expect(generatedCount(world, surveyId)).toBe(last.length);
    const cut = world.clock.now() + HOUR;
    touch(world, surveyId, last);
    for (const sortByLastModifiedDate of [false, true]) {
      const options = { since: cut, sortByLastModifiedDate };
      const before = generatedCount(world, surveyId);
      const fast = await csvOf(world, surveyId, options);
      const generated = generatedCount(world, surveyId) - before;
      const matching = [...selectResponses(world, surveyId, defaultExportOptions({ asOf: world.clock.now(), ...options }))];
      // New (25 minus deleted ones) and reset responses; by last-modified date the 42 edited and 2 updated ones too.
      expect(matching.length).toBeGreaterThanOrEqual(sortByLastModifiedDate ? 62 : 21);
      expect(generated).toBe(matching.length);
      const slow = await csvOf(withoutHints(world), surveyId, options);
      expect(fast.equals(slow)).toBe(true);
    }
  }, 60_000);

  it('selects exactly what filtering every response selects, for bounds at, around and between the keys', () => {
    const world = makeWorld(9, 120, 1);
    const surveyId = surveyAt(world, 0).id;
    const base = [...world.responses(surveyId)];
    touch(world, surveyId, base.slice(60));
    // Two more bumps of one base response's recorded date (+1 ms each) without moving it, then a later edit.
    world.updateEmbeddedData(surveyId, base[30]!.responseId, { ed_new: 'z' }, false);
    world.updateEmbeddedData(surveyId, base[30]!.responseId, { ed_new: 'w' }, false);
    world.clock.advance(60_000);
    world.edit(surveyId, { responseIds: [base[31]!.responseId] });
    const slowWorld = withoutHints(world);
    const filterId = surveyAt(world, 0).filters[0]!.filterId;
    const ids = (w: SimWorld, o: Partial<ExportOptions>) =>
      [...selectResponses(w, surveyId, defaultExportOptions(o))].map((r) => JSON.stringify(r));
    for (const asOf of [T0, T0 + HOUR + 30_000, world.clock.now()]) {
      for (const sortByLastModifiedDate of [false, true]) {
        const keys = [...slowWorld.responses(surveyId, { asOf, order: sortByLastModifiedDate ? 'lastModified' : 'recorded' })]
          .map((r) => (sortByLastModifiedDate ? r.meta.lastModifiedDate : r.meta.recordedDate))
          .filter((_, n) => n % 15 === 0 || (n >= 28 && n <= 33) || n >= 128);
        const bounds = [...new Set(keys.flatMap((k) => [k - 1, k, k + 1]))];
        let nonEmpty = 0;
        for (const from of bounds) {
          // Also just past the bumped response's original date, where it ends a selection before the later ones.
          const around30 = [1, 2, 3].map((d) => base[30]!.meta.recordedDate + d).filter((t) => t > from);
          for (const to of [undefined, from + 1, from + 2, from + 2 * HOUR, ...around30]) {
            const o = { asOf, sortByLastModifiedDate, since: from, endDate: to };
            const fast = ids(world, o);
            expect(fast).toEqual(ids(slowWorld, o));
            if (fast.length > 0) nonEmpty++;
          }
          const o = { asOf, startDate: from - 50_000, since: from, limit: 3, filterId: sortByLastModifiedDate ? undefined : filterId };
          expect(ids(world, o)).toEqual(ids(slowWorld, o));
        }
        expect(nonEmpty).toBeGreaterThan(bounds.length);
      }
    }
  });
});
