import type { ExportOptions, SimResponse, SimSurvey } from '../contract.ts';
import { GeneratedResponse } from '../world/answers.ts';
import { type FieldTable, fieldTable } from '../world/fields.ts';
import { flowUnits, NPS_GROUP_LABELS, type Unit } from '../world/layout.ts';
import { metadataColumns } from './metadata-columns.ts';
import { type Column, type ImportId, seen } from './column-types.ts';

export type { CellValue, Column } from './column-types.ts';

/**
 * The column plan of a tabular export (csv, tsv, spss, xml): for every column its three header rows (export tag,
 * label, ImportId JSON) and how to read its cell from a response. Built once per export; rows then only call `get`.
 */
export function buildColumns(survey: SimSurvey, o: ExportOptions, target: 'text' | 'spss'): Column[] {
  const columns: Column[] = [...metadataColumns(o)];
  const wanted = o.questionIds ? new Set(o.questionIds) : undefined;
  const read = answerReaders(fieldTable(survey));
  for (const unit of flowUnits(survey)) {
    if (wanted && !wanted.has(unit.q.id)) continue;
    columns.push(...questionColumns(unit, o, read));
    if (o.includeDisplayOrder && unit.q.randomized && target === 'text') columns.push(displayOrderColumn(unit, read(unit.doKey)));
  }
  const embedded = o.embeddedDataIds ? survey.embeddedData.filter((n) => o.embeddedDataIds!.includes(n)) : survey.embeddedData;
  for (const name of embedded) {
    // A generated response holds each embedded-data value among its answers too, under the same name.
    const answer = read(name, (r) => r.embedded[name]);
    columns.push({ header: name, label: name, importId: { ImportId: name }, type: 'string', get: (r) => (answer(r) as string | undefined) ?? '' });
  }
  if (target === 'spss') return columns;
  return columns.flatMap((col) => {
    if (!col.valueLabels) return [col];
    if (o.useLabels) return [asLabels(col)];
    if (o.includeLabelColumns) return [col, { ...asLabels(col), importId: { ...col.importId, IsLabelsColumn: true } }];
    return [col];
  });
}

/** The same column, rendering each code as its label (useLabels, label columns). */
function asLabels(col: Column): Column {
  const labels = col.valueLabels!;
  return {
    ...col,
    type: 'string',
    valueLabels: undefined,
    get: (r) => {
      const v = col.get(r);
      return typeof v === 'number' ? (labels.get(v) ?? String(v)) : v;
    },
  };
}

/** Reads `r.answers[key]` for one key. */
type AnswerReader = (r: SimResponse) => unknown;

/**
 * Readers of `r.answers[key]` (or of what `otherwise` reads) that read by field number when `r` is a generated
 * response of the table's survey. A row's cells are read one after the other, so the numbered values are looked up once per response,
 * for all the readers (a response is not changed while its row is written).
 */
function answerReaders(table: FieldTable): (key: string, otherwise?: AnswerReader) => AnswerReader {
  let last: SimResponse | undefined;
  let lastValues: readonly unknown[] | undefined;
  const valuesOf = (r: SimResponse): readonly unknown[] | undefined => {
    if (r !== last) {
      last = r;
      lastValues = GeneratedResponse.valuesOf(r, table);
    }
    return lastValues;
  };
  return (key, otherwise = (r) => r.answers[key]) => {
    const slot = table.slots.get(key);
    if (slot === undefined) return otherwise;
    return (r) => {
      const values = valuesOf(r);
      return values === undefined ? otherwise(r) : values[slot];
    };
  };
}

function codes(choices: ReadonlyArray<{ recode: number; text: string }>): Map<number, string> {
  return new Map(choices.map((c) => [c.recode, c.text]));
}

interface Recodes {
  seen: number | undefined;
  multi: number | undefined;
}

/** One question's columns, in Qualtrics' order. */
function questionColumns(unit: Unit, o: ExportOptions, read: ReturnType<typeof answerReaders>): Column[] {
  const q = unit.q;
  const tag = unit.prefix + q.exportTag;
  const rec: Recodes = { seen: o.seenUnansweredRecode, multi: o.multiselectSeenUnansweredRecode ?? o.seenUnansweredRecode };
  const choices = q.choices ?? [];
  const rows = q.answers ?? [];
  const hasOther = choices.some((c) => c.textEntry);
  const scalar = (header: string, label: string, importId: ImportId, key: string, labels?: Map<number, string>): Column => {
    const answer = read(key);
    return { header, label, importId, type: 'numeric', valueLabels: labels, get: (r) => answerOr(r, unit, answer(r), rec.seen) };
  };
  const text = (header: string, label: string, key: string, recodeWhenSeen = true): Column => {
    const answer = read(key);
    const recode = recodeWhenSeen ? rec.seen : undefined;
    return { header, label, importId: { ImportId: key }, type: 'string', get: (r) => answerOr(r, unit, answer(r), recode) };
  };
  const others = choices
    .filter((c) => c.textEntry)
    .map((c) => text(`${tag}_${c.id}_TEXT`, `${q.text} - ${c.text} - Text`, unit.otherTextKeys.get(c.id)!, false));
  switch (q.type) {
    case 'MC':
      if (q.selector === 'MAVR' || q.selector === 'MAHR') {
        const lead = hasOther ? `${q.text} - Selected Choice` : q.text;
        return [...multiColumns(tag, lead, unit.key, read(unit.key), unit, choices, o, rec), ...others];
      }
      return [
        scalar(tag, hasOther ? `${q.text} - Selected Choice` : q.text, { ImportId: unit.key }, unit.key, codes(choices)),
        ...others,
      ];
    case 'NPS':
      return [
        scalar(`${tag}_NPS_GROUP`, `${q.text} - Group`, { ImportId: unit.npsGroupKey }, unit.npsGroupKey,
          new Map([1, 2, 3].map((g) => [g, NPS_GROUP_LABELS[g]!]))),
        scalar(tag, q.text, { ImportId: unit.key }, unit.key, codes(choices)),
      ];
    case 'Matrix':
      if (q.subSelector === 'MultipleAnswer') {
        return rows.flatMap((row, i) =>
          multiColumns(`${tag}_${row.id}`, `${q.text} - ${row.text}`, unit.rowKeys[i]!, read(unit.rowKeys[i]!), unit, choices, o, rec),
        );
      }
      return rows.map((row, i) =>
        scalar(`${tag}_${row.id}`, `${q.text} - ${row.text}`, { ImportId: unit.rowKeys[i]! }, unit.rowKeys[i]!, codes(choices)),
      );
    case 'TE':
      if (q.selector === 'FORM') return rows.map((row, i) => text(`${tag}_${row.id}`, `${q.text} - ${row.text}`, unit.rowKeys[i]!));
      return [text(tag, q.text, unit.textKey)];
    case 'Slider':
      return rows.map((row, i) => ({
        ...scalar(`${tag}_${row.id}`, `${q.text} - ${row.text}`, { ImportId: unit.rowKeys[i]! }, unit.rowKeys[i]!),
        decimals: 1,
      }));
    case 'RO':
    case 'CS':
      return choices.map((c, i) => scalar(`${tag}_${c.id}`, `${q.text} - ${c.text}`, { ImportId: unit.choiceKeys[i]! }, unit.choiceKeys[i]!));
    case 'SBS':
      return (q.sbsColumns ?? []).flatMap((col, k) =>
        rows.map((row, i) => {
          const key = unit.sbsKeys[k]![i]!;
          return scalar(`${tag}#${col.id}_${row.id}`, `${q.text} - ${row.text} - ${col.text}`, { ImportId: key }, key, codes(col.choices));
        }),
      );
    case 'DB':
      return [];
  }
}

/** The answer `v`, or the seen-but-unanswered recode when the question was shown, or empty. */
function answerOr(r: SimResponse, unit: Unit, v: unknown, recode: number | undefined): number | string | undefined {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v !== undefined && v !== null) return String(v);
  return recode !== undefined && seen(r, unit.key) ? recode : undefined;
}

/** A multi-answer field (`values` holds an array of choice ids): one column per choice, or one joined column. */
function multiColumns(
  tag: string,
  lead: string,
  key: string,
  answer: AnswerReader,
  unit: Unit,
  choices: NonNullable<Unit['q']['choices']>,
  o: ExportOptions,
  rec: Recodes,
): Column[] {
  // Every breakout column of the field reads the same list: it is looked up once per response, and which choices
  // it holds is worked out then, for all of them (`chosen[i]` is 1 when choice `i` is in it).
  const indexesById = new Map<string, number[]>();
  for (const [i, c] of choices.entries()) indexesById.set(c.id, [...(indexesById.get(c.id) ?? []), i]);
  const chosen = new Uint8Array(choices.length);
  let lastResponse: SimResponse | undefined;
  let lastPicked: unknown[] | undefined;
  const picked = (r: SimResponse): unknown[] | undefined => {
    if (r !== lastResponse) {
      const v = answer(r);
      lastResponse = r;
      lastPicked = Array.isArray(v) ? v : undefined;
      chosen.fill(0);
      // A value names a choice when its text is the choice id (numbers as `String` writes them).
      for (const id of lastPicked ?? []) {
        for (const i of indexesById.get(typeof id === 'string' ? id : String(id)) ?? []) chosen[i] = 1;
      }
    }
    return lastPicked;
  };
  if (!o.breakoutSets) {
    const byId = new Map(choices.map((c) => [c.id, c]));
    return [
      {
        header: tag,
        label: lead,
        importId: { ImportId: key },
        type: 'string',
        get: (r) => {
          const ids = picked(r);
          if (!ids) return rec.seen !== undefined && seen(r, unit.key) ? rec.seen : undefined;
          const hits = ids.map((id) => byId.get(String(id))).filter((c) => c !== undefined);
          return hits.map((c) => (o.useLabels ? c.text : String(c.recode))).join(',');
        },
      },
    ];
  }
  return choices.map((c, i) => ({
    header: `${tag}_${c.id}`,
    label: `${lead} - ${c.text}`,
    importId: { ImportId: key, choiceId: c.id },
    type: 'numeric' as const,
    valueLabels: new Map([[c.recode, c.text]]),
    get: (r: SimResponse) => {
      if (picked(r) !== undefined && chosen[i] === 1) return c.recode;
      return rec.multi !== undefined && seen(r, unit.key) ? rec.multi : undefined;
    },
  }));
}

function displayOrderColumn(unit: Unit, answer: AnswerReader): Column {
  return {
    header: `${unit.prefix}${unit.q.exportTag}_DO`,
    label: `${unit.q.text} - Display Order`,
    importId: { ImportId: unit.doKey },
    type: 'string',
    get: (r) => {
      const v = answer(r);
      return Array.isArray(v) ? v.join('|') : undefined;
    },
  };
}
