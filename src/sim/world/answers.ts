import type { SimResponse, SimResponseMeta } from '../contract.ts';
import type { FieldTable } from './fields.ts';

type AnswerObject = Record<string, unknown>;

/**
 * A generated response's answers, by field number (see `fieldTable`) in the order they were set. Building the
 * `answers` object itself costs more than generating the answers (an object with some 30 computed keys is a hash
 * table in V8), and a csv export never needs it: the writers read the numbered values. As a proxy handler this
 * class also stands behind the response's `answers`: the first time anything reads or changes that object, the
 * values are assigned into it in the order they were set, and from then on the proxy only passes through.
 */
export class AnswerSlots implements ProxyHandler<AnswerObject> {
  readonly values: unknown[];
  /** Field numbers in the order they were first set: the first `count` entries. */
  readonly order: number[];
  count = 0;
  /** Whether the answers object has been filled: from then on it, not `values`, holds the answers. */
  filled = false;

  constructor(readonly table: FieldTable) {
    // Sized once: growing arrays field by field showed up in profiles.
    this.values = new Array(table.keys.length);
    this.order = new Array(table.keys.length);
  }

  /** Sets field `slot` to `value` (never undefined). A field set again keeps its first position, as a key would. */
  put(slot: number, value: unknown): void {
    if (this.values[slot] === undefined) this.order[this.count++] = slot;
    this.values[slot] = value;
  }

  /** Field numbers in the order they were first set. */
  setOrder(): number[] {
    return this.order.slice(0, this.count);
  }

  private fill(target: AnswerObject): void {
    if (this.filled) return;
    this.filled = true;
    const keys = this.table.keys;
    for (let i = 0; i < this.count; i++) {
      const slot = this.order[i]!;
      target[keys[slot]!] = this.values[slot];
    }
  }

  get(target: AnswerObject, key: string | symbol): unknown {
    this.fill(target);
    return Reflect.get(target, key);
  }

  set(target: AnswerObject, key: string | symbol, value: unknown): boolean {
    this.fill(target);
    return Reflect.set(target, key, value);
  }

  has(target: AnswerObject, key: string | symbol): boolean {
    this.fill(target);
    return Reflect.has(target, key);
  }

  deleteProperty(target: AnswerObject, key: string | symbol): boolean {
    this.fill(target);
    return Reflect.deleteProperty(target, key);
  }

  ownKeys(target: AnswerObject): ArrayLike<string | symbol> {
    this.fill(target);
    return Reflect.ownKeys(target);
  }

  getOwnPropertyDescriptor(target: AnswerObject, key: string | symbol): PropertyDescriptor | undefined {
    this.fill(target);
    return Reflect.getOwnPropertyDescriptor(target, key);
  }

  defineProperty(target: AnswerObject, key: string | symbol, descriptor: PropertyDescriptor): boolean {
    this.fill(target);
    return Reflect.defineProperty(target, key, descriptor);
  }

  preventExtensions(target: AnswerObject): boolean {
    this.fill(target);
    return Reflect.preventExtensions(target);
  }
}

/** What the generator produces besides metadata. */
export interface GeneratedAnswers {
  answers: AnswerSlots;
  embedded: Record<string, string>;
  displayed: string[];
}

/**
 * A generated response. To everything outside it is a plain `SimResponse` (its `answers` an ordinary-looking
 * object, filled on first use); the export writers ask `valuesOf` for the numbered answers instead. A copy made
 * with spread is a plain object and is read through its `answers`, so wrappers that replace answers stay correct.
 */
export class GeneratedResponse implements SimResponse {
  readonly #slots: AnswerSlots;
  readonly #answers: AnswerObject;
  answers: AnswerObject;
  embedded: Record<string, string>;
  displayed: string[];

  constructor(
    public surveyId: string,
    public responseId: string,
    public inProgress: boolean,
    public meta: SimResponseMeta,
    generated: GeneratedAnswers,
  ) {
    this.#slots = generated.answers;
    this.#answers = new Proxy({}, generated.answers);
    this.answers = this.#answers;
    this.embedded = generated.embedded;
    this.displayed = generated.displayed;
  }

  /** Sets answer `key` as `answers[key] = value` would, keeping the numbered values in use when it can. */
  setAnswer(key: string, value: unknown): void {
    const slot = this.#slots.table.slots.get(key);
    if (slot !== undefined && value !== undefined && !this.#slots.filled && this.answers === this.#answers) {
      this.#slots.put(slot, value);
    }
    else this.answers[key] = value;
  }

  /**
   * The answers of `r` by field number of `table`, when `r` is a generated response of that table's survey whose
   * answers object is untouched (not read, changed or replaced); otherwise undefined, and `r.answers` holds them.
   */
  static valuesOf(r: SimResponse, table: FieldTable): readonly unknown[] | undefined {
    return GeneratedResponse.slotsOf(r, table)?.values;
  }

  /** Like `valuesOf`, with the order the fields were set in (`order`, first `count` entries). */
  static slotsOf(r: SimResponse, table: FieldTable): Readonly<AnswerSlots> | undefined {
    if (!(#slots in r)) return undefined;
    const slots = r.#slots;
    return !slots.filled && slots.table === table && r.answers === r.#answers ? slots : undefined;
  }

  /** The answers' keys and values in the order an object would list them (a generated response's, untouched). */
  static entriesOf(r: SimResponse, table: FieldTable): Array<[string, unknown]> {
    const values = table.hasIndexKeys ? undefined : GeneratedResponse.valuesOf(r, table);
    if (values === undefined || !(#slots in r)) return Object.entries(r.answers);
    return r.#slots.setOrder().map((slot) => [table.keys[slot]!, values[slot]]);
  }
}
