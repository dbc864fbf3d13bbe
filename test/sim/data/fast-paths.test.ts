import { describe, expect, it } from 'vitest';
import type { SimResponse, SimSurvey } from '../../../src/sim/contract.ts';
import { buildColumns } from '../../../src/sim/export/columns.ts';
import { ChunkWriter, utf8AsLatin1 } from '../../../src/sim/export/encode.ts';
import { DateText, isoMillis, isoSeconds, wallClockUtc } from '../../../src/sim/export/format.ts';
import { defaultExportOptions } from '../../../src/sim/export/index.ts';
import { jsonSelection } from '../../../src/sim/export/json.ts';
import { ResponseJsonWriter } from '../../../src/sim/export/json-text.ts';
import { responseObject } from '../../../src/sim/export/values.ts';
import { AnswerSlots, GeneratedResponse } from '../../../src/sim/world/answers.ts';
import { fieldTable } from '../../../src/sim/world/fields.ts';
import { HashPrefix, hash32, Rng } from '../../../src/sim/world/prng.ts';
import { makeWorld, surveyAt } from './helpers.ts';

/** The shortcuts taken for speed give exactly what the plain code gives. */

describe('DateText', () => {
  const rng = new Rng(11);
  const samples = [
    0,
    1,
    59_999,
    60_000,
    86_399_999,
    86_400_000,
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    253_402_300_800_000,
    -1,
    -86_400_001,
    1.5,
    1_700_000_000_000.7,
    // Same slot of the minute table (minutes 64 apart), read alternately.
    Date.UTC(2025, 0, 1, 0, 0, 5),
    Date.UTC(2025, 0, 1, 1, 4, 6),
    Date.UTC(2025, 0, 1, 0, 0, 7),
    ...Array.from({ length: 2000 }, () => Math.floor(rng.next() * 4_102_444_800_000)),
  ];

  it('writes the same texts as wallClockUtc, isoSeconds and isoMillis', () => {
    const text = new DateText();
    for (const ms of samples) {
      expect(text.wall(ms)).toBe(wallClockUtc(ms));
      expect(text.isoSeconds(ms)).toBe(isoSeconds(ms));
      expect(text.isoMillis(ms)).toBe(isoMillis(ms));
    }
    expect(text.wall(Number.NaN)).toBe(wallClockUtc(Number.NaN));
    expect(() => text.isoSeconds(Number.NaN)).toThrow(RangeError);
  });
});

describe('HashPrefix', () => {
  it('hashes as hash32 over the prefix and the trailing integers', () => {
    const prefix = new HashPrefix(7, 'SV_abcdefghijklmno', 'answers', 'R');
    for (const n of [0, 1, 2 ** 31, 2 ** 32 + 5, 2 ** 48 - 1]) {
      expect(prefix.of(n)).toBe(hash32(7, 'SV_abcdefghijklmno', 'answers', 'R', n));
      expect(prefix.of2(n, 3)).toBe(hash32(7, 'SV_abcdefghijklmno', 'answers', 'R', n, 3));
    }
  });
});

describe('generated answers', () => {
  const world = makeWorld(3, 50);
  const survey = surveyAt(world, 0);
  const table = fieldTable(survey);
  const fresh = () => [...world.responses(survey.id)][7] as GeneratedResponse;

  it('look like a plain object, keys in the order they were set', () => {
    const r = fresh();
    expect(r).toBeInstanceOf(GeneratedResponse);
    const plain = JSON.parse(JSON.stringify(r.answers)) as Record<string, unknown>;
    expect(r.answers).toEqual(plain);
    expect({ ...r.answers }).toEqual(plain);
    expect(Object.keys(r.answers)).toEqual(Object.keys(plain));
    expect(Object.keys(r.answers).slice(-3)).toEqual(survey.embeddedData);
    expect('panel' in r.answers).toBe(true);
    expect(Object.getPrototypeOf(r.answers)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ responseId: r.responseId, answers: plain });
  });

  it('are read by field number until the answers object is touched, then through it', () => {
    const r = fresh();
    const values = GeneratedResponse.valuesOf(r, table)!;
    expect(values[table.slots.get('panel')!]).toBe(r.embedded.panel);
    expect(GeneratedResponse.entriesOf(r, table)).toEqual(Object.entries(JSON.parse(JSON.stringify(fresh().answers))));
    expect(GeneratedResponse.valuesOf(r, fieldTable(surveyAt(world, 1)))).toBeUndefined();
    r.answers.panel = 'changed';
    expect(GeneratedResponse.valuesOf(r, table)).toBeUndefined();
    expect(r.answers.panel).toBe('changed');
    const copy: SimResponse = { ...fresh(), answers: { QID1: 99 } };
    expect(GeneratedResponse.valuesOf(copy, table)).toBeUndefined();
    const cells = buildColumns(survey, defaultExportOptions(), 'text');
    const q1 = cells.find((c) => c.header === 'Q1')!;
    expect(q1.get(copy)).toBe(99);
  });

  it('keep the first position of a field set twice, as an object keeps a key', () => {
    const slots = new AnswerSlots(table);
    slots.put(table.slots.get('source')!, 'a');
    slots.put(table.slots.get('QID1')!, 1);
    slots.put(table.slots.get('source')!, 'b');
    const object = new Proxy<Record<string, unknown>>({}, slots);
    expect(Object.entries(object)).toEqual([
      ['source', 'b'],
      ['QID1', 1],
    ]);
  });

  it('mark surveys whose keys an object would reorder (array indexes)', () => {
    expect(table.hasIndexKeys).toBe(false);
    const odd: SimSurvey = { ...survey, embeddedData: ['7', 'panel'] };
    expect(fieldTable(odd).hasIndexKeys).toBe(true);
  });
});

describe('multi-answer breakouts', () => {
  it('find each choice among numbers and numeric strings, as comparing the texts would', () => {
    const world = makeWorld(3, 5);
    const survey = surveyAt(world, 0);
    const columns = buildColumns(survey, defaultExportOptions(), 'text').filter((c) => c.importId.ImportId === 'QID2');
    expect(columns.map((c) => c.header)).toEqual(['Q2_1', 'Q2_2', 'Q2_3', 'Q2_4', 'Q2_5', 'Q2_7']);
    const base = [...world.responses(survey.id)][0]!;
    const r: SimResponse = { ...base, answers: { QID2: ['1', 3, 'x', 7, '05'] } };
    expect(columns.map((c) => c.get(r))).toEqual([1, undefined, 3, undefined, undefined, 7]);
    const next: SimResponse = { ...base, answers: { QID2: [2] } };
    expect(columns.map((c) => c.get(next))).toEqual([undefined, 2, undefined, undefined, undefined, undefined]);
  });
});

describe('ResponseJsonWriter', () => {
  it('writes what JSON.stringify writes of the response object, for every selection and kind of response', () => {
    const world = makeWorld(8, 120);
    for (const s of world.surveys()) {
      world.create(s.id, { QID1: 2, [s.embeddedData[0]!]: 'created "quoted"' });
      const [one, two] = [...world.responses(s.id)];
      world.updateEmbeddedData(s.id, one!.responseId, { [s.embeddedData[0]!]: 'updated' }, false);
      world.edit(s.id, { responseIds: [two!.responseId] });
    }
    const selections = [
      {},
      { questionIds: ['QID1', 'QID3', 'QID4'] },
      { embeddedDataIds: ['panel', 'department'] },
      { surveyMetadataIds: ['recordedDate', 'status', 'finished', 'locationLatitude'] },
      { sortByLastModifiedDate: true },
    ];
    let responses = 0;
    let generated = 0;
    for (const s of world.surveys()) {
      for (const selection of selections) {
        const sel = jsonSelection(defaultExportOptions({ format: 'json', ...selection }));
        const writer = new ResponseJsonWriter(s, sel);
        const all = [...world.responses(s.id), ...world.responses(s.id, { inProgress: true })];
        for (const r of all) {
          const expected = JSON.stringify(responseObject(s, r, sel));
          expect(writer.text(r)).toBe(expected);
          responses++;
          if (GeneratedResponse.slotsOf(r, fieldTable(s)) !== undefined) generated++;
        }
      }
    }
    expect(responses).toBeGreaterThan(1500);
    // Most went the direct way (the created ones took JSON.stringify).
    expect(generated).toBeGreaterThan(responses - 30);
  });
});

describe('ChunkWriter', () => {
  it('hands on chunks of at most its size, in order, a larger piece on its own', () => {
    const writer = new ChunkWriter('utf8', 16);
    const pieces = ['abc', 'défg', 'hij', 'k'.repeat(40), 'lm', '🎉'];
    for (const p of pieces) writer.write(p);
    writer.flush();
    const chunks = writer.take();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(pieces.join(''));
    expect(chunks.filter((c) => c.length > 16).map((c) => c.toString())).toEqual(['k'.repeat(40)]);
    const utf16 = new ChunkWriter('utf16le', 16);
    utf16.write('\uFEFFa\tb');
    utf16.flush();
    expect(Buffer.concat(utf16.take())).toEqual(Buffer.from('\uFEFFa\tb', 'utf16le'));
  });

  it('writes pieces converted with utf8AsLatin1 as their UTF-8 bytes', () => {
    const writer = new ChunkWriter('latin1');
    const text = 'Zürich, 📷 — "ok" صديق';
    expect(utf8AsLatin1('plain ascii')).toBe('plain ascii');
    writer.write(utf8AsLatin1(text));
    writer.flush();
    expect(Buffer.concat(writer.take())).toEqual(Buffer.from(text, 'utf8'));
  });
});
