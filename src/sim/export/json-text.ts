import type { SimResponse, SimSurvey } from '../contract.ts';
import { GeneratedResponse } from '../world/answers.ts';
import { type FieldTable, fieldTable } from '../world/fields.ts';
import { flowUnits, NPS_GROUP_LABELS } from '../world/layout.ts';
import { FINISHED_LABELS, STATUS_LABELS } from './metadata-columns.ts';
import { type JsonSelection, type KeyInfo, metaValue, responseObject, surveyKeys, textOf } from './values.ts';

/**
 * `JSON.stringify(responseObject(survey, r, sel))` for the json/ndjson exports, written out directly for generated
 * responses. The response object's `values`, `labels` and `displayedValues` hold some 30 keys each, which makes
 * them hash tables in V8, and stringifying those cost more than generating the response; here the keys are
 * encoded once per export, label and value texts are kept per key, and each response only joins them. Anything
 * else (created responses, answers read or changed, keys an object would reorder) takes `JSON.stringify`.
 */

/** How one field number of the survey's field table goes into `values` and `labels`. */
interface FieldPlan {
  /** `"key":`. */
  keyText: string;
  /** A question field (undefined for embedded data and unknown keys). */
  info: KeyInfo | undefined;
  /** Written when present (and, for embedded data, not empty). */
  wanted: boolean;
  embedded: boolean;
  /** Label texts (JSON) by code, for coded fields. */
  labels: Map<unknown, string>;
}

/** A unit's part of `displayedFields` and `displayedValues`, as JSON text. */
interface UnitPlan {
  key: string;
  fields: string[];
  values: string[];
}

const json = JSON.stringify;

/** Writes response objects of one survey and selection as JSON text. */
export class ResponseJsonWriter {
  private readonly table: FieldTable;
  private readonly fields: FieldPlan[];
  private readonly units: UnitPlan[];
  private readonly metaKeys: string[];
  /** False when the fast path could not match `JSON.stringify` for this survey and selection. */
  private readonly usable: boolean;
  private readonly strings = new Map<string, string>();

  constructor(
    private readonly survey: SimSurvey,
    private readonly sel: JsonSelection,
  ) {
    const { byKey, fields } = surveyKeys(survey);
    this.table = fieldTable(survey);
    this.metaKeys = sel.metadataIds.map((id) => `${json(id)}:`);
    this.fields = this.table.keys.map((key) => {
      const info = byKey.get(key);
      const embedded = info === undefined && survey.embeddedData.includes(key);
      const wanted = info
        ? !sel.questionIds || sel.questionIds.has(info.unit.q.id)
        : embedded && (!sel.embeddedDataIds || sel.embeddedDataIds.has(key));
      return { keyText: `${json(key)}:`, info, wanted, embedded, labels: new Map() };
    });
    this.units = flowUnits(survey)
      .filter((unit) => !sel.questionIds || sel.questionIds.has(unit.q.id))
      .map((unit) => {
        const keys = fields.get(unit.key) ?? [];
        const values = keys.flatMap((key) => {
          const info = byKey.get(key)!;
          if (info.role === 'plain') return [];
          const codes = info.role === 'multi' || info.role === 'rowMulti' ? info.choices.map((c) => Number(c.id)) : info.choices.map((c) => c.recode);
          return [`${json(key)}:${json(codes)}`];
        });
        return { key: unit.key, fields: keys.map((key) => json(key)), values };
      });
    // A field named like a metadata field (or `status`/`finished`, which labels list first) would share its key.
    const taken = new Set([...sel.metadataIds, 'status', 'finished']);
    this.usable = !this.table.hasIndexKeys && !this.table.keys.some((key) => taken.has(key));
  }

  /** The response object of `r` as JSON text. */
  text(r: SimResponse): string {
    const slots = this.usable ? GeneratedResponse.slotsOf(r, this.table) : undefined;
    if (slots === undefined) return json(responseObject(this.survey, r, this.sel));
    let values = '';
    let status: unknown;
    let finished: unknown;
    const ids = this.sel.metadataIds;
    for (let i = 0; i < ids.length; i++) {
      const v = metaValue(r, ids[i]!);
      if (v === undefined) continue;
      // Metadata texts (dates, ids) hardly repeat: not worth keeping.
      values += (values === '' ? '' : ',') + this.metaKeys[i] + json(v);
      if (ids[i] === 'status') status = v;
      else if (ids[i] === 'finished') finished = v;
    }
    // The labels object lists `status` and `finished` first, then the coded fields in the order of `values`.
    let labels = typeof status === 'number' ? `"status":${json(STATUS_LABELS.get(status) ?? String(status))}` : '';
    const done = typeof finished === 'number' ? FINISHED_LABELS.get(finished) : undefined;
    if (done !== undefined) labels += `${labels === '' ? '' : ','}"finished":${json(done)}`;
    for (let i = 0; i < slots.count; i++) {
      const slot = slots.order[i]!;
      const v = slots.values[slot];
      const field = this.fields[slot]!;
      if (v === undefined || v === null || !field.wanted || (field.embedded && v === '')) continue;
      values += (values === '' ? '' : ',') + field.keyText + this.value(v);
      const label = field.info === undefined ? undefined : this.label(field, v);
      if (label !== undefined) labels += (labels === '' ? '' : ',') + field.keyText + label;
    }
    return `{"responseId":${json(r.responseId)},"values":{${values}},"labels":{${labels}},${this.displayed(r)}}`;
  }

  /** An answer value as JSON text (strings, mostly from the generator's pools, kept per export). */
  private value(v: unknown): string {
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
    if (typeof v !== 'string') return json(v);
    let text = this.strings.get(v);
    if (text === undefined) {
      text = json(v);
      if (this.strings.size >= 4096) this.strings.clear();
      this.strings.set(v, text);
    }
    return text;
  }

  /** The label of a coded value, as JSON text, or undefined when the field has none. */
  private label(field: FieldPlan, v: unknown): string | undefined {
    const info = field.info!;
    switch (info.role) {
      case 'single':
      case 'row':
      case 'nps':
      case 'sbs': {
        let text = field.labels.get(v);
        if (text === undefined) field.labels.set(v, (text = json(textOf(info.choices, v, false) ?? String(v))));
        return text;
      }
      case 'multi':
      case 'rowMulti':
      case 'do': {
        if (!Array.isArray(v)) return undefined;
        let list = '';
        for (const id of v) {
          let text = field.labels.get(id);
          if (text === undefined) field.labels.set(id, (text = json(textOf(info.choices, id, true) ?? String(id))));
          list += (list === '' ? '' : ',') + text;
        }
        return `[${list}]`;
      }
      case 'npsGroup': {
        let text = field.labels.get(v);
        if (text === undefined) field.labels.set(v, (text = json(NPS_GROUP_LABELS[Number(v)] ?? String(v))));
        return text;
      }
      case 'plain':
        return undefined;
    }
  }

  /** `"displayedFields":[…],"displayedValues":{…}`. */
  private displayed(r: SimResponse): string {
    let fields = '';
    let values = '';
    for (const unit of this.units) {
      if (r.displayed !== undefined && !r.displayed.includes(unit.key)) continue;
      for (const f of unit.fields) fields += (fields === '' ? '' : ',') + f;
      for (const v of unit.values) values += (values === '' ? '' : ',') + v;
    }
    return `"displayedFields":[${fields}],"displayedValues":{${values}}`;
  }
}
