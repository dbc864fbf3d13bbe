import { describe, expect, it } from 'vitest';
import { IdCodec } from '../../../src/sim/world/ids.ts';
import { createClock, createFixedClock, createWorld, overlaySize } from '../../../src/sim/world/index.ts';
import { makeWorld, surveyAt, T0 } from './helpers.ts';

const ALNUM15 = /^[A-Za-z0-9]{15}$/;

describe('surveys', () => {
  const world = makeWorld();
  const surveys = world.surveys();

  it('have Qualtrics-shaped ids and owners', () => {
    expect(surveys).toHaveLength(3);
    for (const s of surveys) {
      expect(s.id).toMatch(/^SV_[A-Za-z0-9]{15}$/);
      expect(s.ownerId).toMatch(/^UR_[A-Za-z0-9]{15}$/);
      expect(s.brandId).toBe(s.organizationId);
      for (const q of s.questions) expect(q.blockId).toMatch(/^BL_[A-Za-z0-9]{15}$/);
      expect(s.creationDate).toBeLessThan(s.lastModified);
      expect(s.lastModified).toBeLessThan(T0);
    }
  });

  it('together cover every question family the exporters handle', () => {
    const qs = surveys.flatMap((s) => s.questions);
    const kinds = new Set(qs.map((q) => `${q.type}/${q.subSelector === 'MultipleAnswer' ? 'MA' : q.selector}`));
    for (const k of ['MC/SAVR', 'MC/MAVR', 'Matrix/Likert', 'Matrix/MA', 'TE/SL', 'TE/ESTB', 'TE/FORM', 'Slider/HSLIDER', 'RO/DND', 'NPS/NPS', 'SBS/SBSMatrix', 'CS/VRTL']) {
      expect(kinds).toContain(k);
    }
    expect(qs.some((q) => q.choices?.some((c) => c.textEntry) && q.selector === 'MAVR')).toBe(true);
    expect(qs.some((q) => q.choices?.some((c) => c.textEntry) && q.selector === 'SAVR')).toBe(true);
    expect(qs.some((q) => q.randomized)).toBe(true);
    expect(surveys.some((s) => s.loops.length > 0 && s.questions.some((q) => q.looped))).toBe(true);
    expect(surveys.every((s) => s.embeddedData.length > 0)).toBe(true);
  });

  it('include a name with "/", ":" and accents, and a duplicate export tag', () => {
    expect(surveys.some((s) => /\//.test(s.name) && /:/.test(s.name) && /[éüã]/.test(s.name))).toBe(true);
    const pulse = surveyAt(world, 1);
    const tags = pulse.questions.map((q) => q.exportTag);
    expect(tags.filter((t) => t === 'manager')).toHaveLength(2);
  });

  it('have one or two saved filters with uuid ids', () => {
    for (const s of surveys) {
      expect(s.filters.length).toBeGreaterThanOrEqual(1);
      expect(s.filters.length).toBeLessThanOrEqual(2);
      for (const f of s.filters) expect(f.filterId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(surveys[0]!.filters.map((f) => f.filterName)).toEqual(['Finished = True', 'UserLanguage = EN']);
  });
});

describe('response ids', () => {
  it('decode back to their index in O(1), and reject ids of another survey or made up', () => {
    const codec = new IdCodec('R_', 42, 'SV_aaaaaaaaaaaaaaa');
    const other = new IdCodec('R_', 42, 'SV_bbbbbbbbbbbbbbb');
    for (const index of [0, 1, 2, 999, 123_456, 2 ** 40 + 7]) {
      const id = codec.encode(index);
      expect(id.slice(2)).toMatch(ALNUM15);
      expect(codec.decode(id)).toBe(index);
      expect(other.decode(id)).toBeUndefined();
    }
    expect(codec.decode('R_AAAAAAAAAAAAAAA')).toBeUndefined();
    expect(codec.decode('R_short')).toBeUndefined();
    expect(new IdCodec('FS_', 1, 'SV_x').encode(3)).toMatch(/^FS_[A-Za-z0-9]{15}$/);
  });

  it('are distinct across many indexes', () => {
    const codec = new IdCodec('R_', 7, 'SV_ccccccccccccccc');
    const ids = new Set(Array.from({ length: 20_000 }, (_, i) => codec.encode(i)));
    expect(ids.size).toBe(20_000);
  });
});

describe('generated responses', () => {
  const world = makeWorld(42, 300);
  const s0 = surveyAt(world, 0);
  const all = [...world.responses(s0.id)];

  it('are deterministic from the seed and differ between seeds', () => {
    const again = [...makeWorld(42, 300).responses(s0.id)];
    expect(JSON.stringify(again)).toBe(JSON.stringify(all));
    const other = makeWorld(43, 300);
    const otherFirst = [...other.responses(surveyAt(other, 0).id)][0]!;
    expect(otherFirst.responseId).not.toBe(all[0]!.responseId);
    expect(JSON.stringify(otherFirst.answers)).not.toBe(JSON.stringify(all[0]!.answers));
  });

  it('are recorded over the weeks before the clock start, in increasing order', () => {
    expect(all).toHaveLength(300);
    for (let i = 1; i < all.length; i++) expect(all[i]!.meta.recordedDate).toBeGreaterThan(all[i - 1]!.meta.recordedDate);
    expect(all[0]!.meta.recordedDate).toBeGreaterThanOrEqual(T0 - 29 * 86_400_000);
    expect(all.at(-1)!.meta.recordedDate).toBeLessThan(T0);
    for (const r of all) {
      expect(r.responseId).toMatch(/^R_[A-Za-z0-9]{15}$/);
      expect(r.meta.startDate).toBeLessThanOrEqual(r.meta.endDate);
      expect(r.meta.endDate).toBeLessThanOrEqual(r.meta.recordedDate);
      expect(r.meta.duration).toBe((r.meta.endDate - r.meta.startDate) / 1000);
    }
  });

  it('carry realistic metadata', () => {
    const ips = all.map((r) => r.meta.ipAddress).filter((ip) => ip !== '');
    for (const ip of ips) expect(ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/);
    for (const r of all) {
      expect(r.meta.locationLatitude).toMatch(/^-?\d+\.\d{6,}$/);
      expect(r.meta.progress === 100).toBe(r.meta.finished);
      expect([0, 1]).toContain(r.meta.status);
      if (r.meta.status === 1) expect(r.meta.distributionChannel).toBe('preview');
    }
    const statuses = all.map((r) => r.meta.status);
    expect(statuses.filter((s) => s === 0).length).toBeGreaterThan(statuses.filter((s) => s === 1).length);
    expect(statuses).toContain(1);
    const languages = new Set(all.map((r) => r.meta.userLanguage));
    for (const l of ['EN', 'DE', 'FR', 'ES-ES', 'AR', 'HE']) expect(languages).toContain(l);
    const channels = new Set(all.map((r) => r.meta.distributionChannel));
    for (const c of ['anonymous', 'email', 'preview', 'gl']) expect(channels).toContain(c);
    expect(all.some((r) => !r.meta.finished)).toBe(true);
  });

  it('hold the awkward text real answers hold', () => {
    const texts = world.surveys().flatMap((s) =>
      [...world.responses(s.id)].flatMap((r) => Object.values(r.answers).filter((v): v is string => typeof v === 'string')),
    );
    const joined = texts.join('\u0000');
    expect(joined).toMatch(/\p{Extended_Pictographic}/u);
    expect(joined).toMatch(/[éèüöäßñãç]/);
    expect(joined).toMatch(/[\u0590-\u05FF]/); // Hebrew
    expect(joined).toMatch(/[\u0600-\u06FF]/); // Arabic
    expect(texts.some((t) => t.includes(','))).toBe(true);
    expect(texts.some((t) => t.includes('"'))).toBe(true);
    expect(texts.some((t) => /[^\r]\n/.test(t))).toBe(true);
    expect(texts.some((t) => t.includes('\r\n'))).toBe(true);
  });

  it('include seen-but-unanswered questions and questions not shown', () => {
    const seenUnanswered = all.some((r) => r.displayed!.some((k) => !Object.keys(r.answers).some((a) => a === k || a.startsWith(`${k}_`))));
    expect(seenUnanswered).toBe(true);
    expect(all.some((r) => r.meta.finished && !r.displayed!.includes('QID8'))).toBe(true);
  });

  it('have a few in-progress sessions with FS_ ids', () => {
    const sessions = [...world.responses(s0.id, { inProgress: true })];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.length).toBeLessThanOrEqual(4);
    for (const r of sessions) {
      expect(r.responseId).toMatch(/^FS_[A-Za-z0-9]{15}$/);
      expect(r.inProgress).toBe(true);
      expect(r.meta.finished).toBe(false);
      expect(r.meta.progress).toBeLessThan(100);
      expect(r.meta.recordedDate).toBe(0);
      expect(world.response(s0.id, r.responseId)?.responseId).toBe(r.responseId);
    }
  });

  it('filters admit what their name says', () => {
    const [finished, english] = s0.filters;
    for (const r of all) {
      expect(world.filterAdmits(s0.id, finished!.filterId, r)).toBe(r.meta.finished);
      expect(world.filterAdmits(s0.id, english!.filterId, r)).toBe(r.meta.userLanguage === 'EN');
      expect(world.filterAdmits(s0.id, 'no-such-filter', r)).toBe(false);
    }
  });
});

describe('overlay', () => {
  it('starts empty and iterating 200,000 responses keeps nothing', () => {
    const world = createWorld({ seed: 3, surveys: 1, responsesPerSurvey: 200_000, clock: createFixedClock(T0) });
    const id = world.surveys()[0]!.id;
    const before = process.memoryUsage().heapUsed;
    let n = 0;
    for (const r of world.responses(id)) if (r.responseId) n++;
    const after = process.memoryUsage().heapUsed;
    expect(n).toBe(200_000);
    expect(overlaySize(world, id)).toBe(0);
    // 200,000 retained responses would take hundreds of MB; garbage not yet collected stays far below that.
    expect(after - before).toBeLessThan(150 * 2 ** 20);
  });

  it('add: new responses recorded now, counted, found by id', () => {
    const world = makeWorld(5, 10);
    const id = surveyAt(world, 0).id;
    world.clock.advance(60_000);
    const ids = world.add(id, 3);
    expect(ids).toHaveLength(3);
    expect(world.count(id)).toBe(13);
    const added = world.response(id, ids[0]!)!;
    expect(added.meta.recordedDate).toBe(T0 + 60_000);
    expect([...world.responses(id)].slice(-3).map((r) => r.responseId)).toEqual(ids);
    expect(overlaySize(world, id)).toBe(3);
  });

  it('edit: changes answers and bumps lastModifiedDate; earlier asOf still sees the old version', () => {
    const world = makeWorld(5, 10);
    const id = surveyAt(world, 0).id;
    const target = [...world.responses(id)][4]!;
    world.clock.advance(5_000);
    expect(world.edit(id, { responseIds: [target.responseId, 'R_nonexistent0000'] })).toEqual([target.responseId]);
    const edited = world.response(id, target.responseId)!;
    expect(edited.meta.lastModifiedDate).toBe(T0 + 5_000);
    expect(edited.meta.recordedDate).toBe(target.meta.recordedDate);
    expect(JSON.stringify(edited.answers)).not.toBe(JSON.stringify(target.answers));
    const old = [...world.responses(id, { asOf: T0 })].find((r) => r.responseId === target.responseId)!;
    expect(old).toEqual(target);
    const byModified = [...world.responses(id, { order: 'lastModified' })];
    expect(byModified.at(-1)!.responseId).toBe(target.responseId);
    expect(world.edit(id, { count: 3 })).toHaveLength(3);
  });

  it('delete: gone from count, iteration and lookup, but visible as of before', () => {
    const world = makeWorld(5, 10);
    const id = surveyAt(world, 0).id;
    world.clock.advance(1_000);
    const gone = world.delete(id, { count: 4 });
    expect(gone).toHaveLength(4);
    expect(world.count(id)).toBe(6);
    expect(world.response(id, gone[0]!)).toBeUndefined();
    expect([...world.responses(id)].map((r) => r.responseId)).not.toContain(gone[0]);
    expect([...world.responses(id, { asOf: T0 })]).toHaveLength(10);
    expect(world.delete(id, { responseIds: gone })).toEqual([]);
    expect(world.delete(id, { count: 100 })).toHaveLength(6);
    expect(world.count(id)).toBe(0);
  });

  it('create: a completed response holding the given values', () => {
    const world = makeWorld(5, 2);
    const s = surveyAt(world, 0);
    world.clock.advance(2_000);
    const rid = world.create(s.id, { QID1: 2, QID5_TEXT: 'Genève', panel: 'Z', startDate: 'ignored' });
    const r = world.response(s.id, rid)!;
    expect(r.answers).toMatchObject({ QID1: 2, QID5_TEXT: 'Genève', panel: 'Z' });
    expect(r.answers.startDate).toBeUndefined();
    expect(r.embedded.panel).toBe('Z');
    expect(r.meta.recordedDate).toBe(T0 + 2_000);
    expect(r.meta.finished).toBe(true);
    expect(r.displayed).toEqual(['QID1', 'QID5']);
    expect(world.count(s.id)).toBe(3);
  });

  it('updateEmbeddedData: sets fields, bumps lastModified, moves recordedDate by 1 ms or to now', () => {
    const world = makeWorld(5, 5);
    const s = surveyAt(world, 0);
    const [a, b] = [...world.responses(s.id)];
    world.clock.advance(10_000);
    expect(world.updateEmbeddedData(s.id, a!.responseId, { panel: 'X', hidden: 'no' }, false)).toBe(true);
    const ua = world.response(s.id, a!.responseId)!;
    expect(ua.embedded.panel).toBe('X');
    expect(ua.answers.panel).toBe('X');
    expect(ua.embedded.hidden).toBeUndefined();
    expect(ua.meta.recordedDate).toBe(a!.meta.recordedDate + 1);
    expect(ua.meta.lastModifiedDate).toBe(T0 + 10_000);
    expect(world.updateEmbeddedData(s.id, b!.responseId, { Segment: 'Y' }, true)).toBe(true);
    const ub = world.response(s.id, b!.responseId)!;
    expect(ub.meta.recordedDate).toBe(T0 + 10_000);
    expect([...world.responses(s.id)].at(-1)!.responseId).toBe(b!.responseId);
    expect(world.updateEmbeddedData(s.id, 'R_nonexistent0000', { panel: 'X' }, false)).toBe(false);
  });
});

describe('clocks', () => {
  it('createClock runs with real time from startAt and only moves forward', () => {
    const clock = createClock(1_000_000);
    expect(Math.abs(clock.now() - 1_000_000)).toBeLessThan(1_000);
    clock.advance(60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(1_060_000);
    expect(() => clock.advance(-1)).toThrow(/forward/);
    const fixed = createFixedClock(5);
    fixed.advance(10);
    expect(fixed.now()).toBe(15);
  });
});
