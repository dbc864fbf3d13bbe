import { HashPrefix, hash32, Rng } from './prng.ts';

/**
 * Qualtrics-shaped identifiers. Response ids are a reversible permutation of the response's index, so that
 * `response(surveyId, id)` decodes the index in O(1) instead of searching (and nothing has to be stored per id).
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HALF = 0x1000000; // 24 bits
const BLOCK = HALF * HALF; // 48 bits: the largest index an id can carry
const ROUNDS = 4;
const BODY_CHARS = 9; // 62^9 > 2^48
const CHECK_CHARS = 6; // 62^6 > 2^32

/** `n` random alphanumerics from a generator (survey, user, block ids). */
export function alnum(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[rng.int(62)];
  return s;
}

/** A deterministic lowercase UUID (v4 layout) from a hash key. */
export function uuidFrom(...parts: ReadonlyArray<string | number>): string {
  const rng = new Rng(hash32(...parts));
  let hex = '';
  for (let i = 0; i < 32; i++) hex += rng.int(16).toString(16);
  const variant = (rng.int(4) + 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Round function of the Feistel network: `hash32(key, round, half) % HALF`, with the key hashed once. */
function roundFn(half: number, key: HashPrefix, round: number): number {
  return key.of2(round, half) % HALF;
}

function permute(index: number, key: HashPrefix): number {
  let left = Math.floor(index / HALF);
  let right = index % HALF;
  for (let r = 0; r < ROUNDS; r++) {
    const next = (left + roundFn(right, key, r)) % HALF;
    left = right;
    right = next;
  }
  return left * HALF + right;
}

function unpermute(value: number, key: HashPrefix): number {
  let left = Math.floor(value / HALF);
  let right = value % HALF;
  for (let r = ROUNDS - 1; r >= 0; r--) {
    const prev = (right - roundFn(left, key, r) + HALF) % HALF;
    right = left;
    left = prev;
  }
  return left * HALF + right;
}

/** Every two-digit base-62 text, `"00"` … `"zz"`: ids are written two digits at a time. */
const PAIRS = Array.from({ length: 62 * 62 }, (_, i) => ALPHABET[Math.floor(i / 62)]! + ALPHABET[i % 62]!);

function toBase62(value: number, width: number): string {
  let s = '';
  let i = 0;
  for (; i + 2 <= width; i += 2) {
    s = PAIRS[value % 3844] + s;
    value = Math.floor(value / 3844);
  }
  return i < width ? ALPHABET[value % 62] + s : s;
}

function fromBase62(text: string): number {
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const d = ALPHABET.indexOf(text[i]!);
    if (d < 0) return Number.NaN;
    v = v * 62 + d;
  }
  return v;
}

/**
 * Encodes and decodes the ids of one survey's responses (`R_` + 15) or in-progress sessions (`FS_` + 15).
 * The body is a keyed Feistel permutation of the index; the tail is a keyed checksum, so an id from another survey
 * or a made-up id decodes to `undefined` rather than to some other response.
 */
export class IdCodec {
  /** `hash32(seed, surveyId, prefix)` as a hash prefix: the round function and the checksum both start with it. */
  private readonly key: HashPrefix;

  constructor(
    readonly prefix: 'R_' | 'FS_',
    seed: number,
    surveyId: string,
  ) {
    this.key = new HashPrefix(hash32(seed, surveyId, prefix));
  }

  encode(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= BLOCK) throw new RangeError(`index out of range: ${index}`);
    const body = permute(index, this.key);
    // Check characters first, so ids do not all start alike (the body's top digit is almost always 0 or 1).
    return this.prefix + toBase62(this.key.of(body), CHECK_CHARS) + toBase62(body, BODY_CHARS);
  }

  /** The index an id encodes, or undefined when the id is not one of this codec's. */
  decode(id: string): number | undefined {
    if (!id.startsWith(this.prefix) || id.length !== this.prefix.length + BODY_CHARS + CHECK_CHARS) return undefined;
    const check = id.slice(this.prefix.length, this.prefix.length + CHECK_CHARS);
    const body = fromBase62(id.slice(this.prefix.length + CHECK_CHARS));
    if (!Number.isFinite(body) || body >= BLOCK) return undefined;
    if (check !== toBase62(this.key.of(body), CHECK_CHARS)) return undefined;
    return unpermute(body, this.key);
  }
}
