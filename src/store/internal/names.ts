/**
 * Pure helpers that turn arbitrary text (export tags, survey names) into readable SQL names: lowercase ASCII
 * letters, digits and underscores, at most 63 bytes (PostgreSQL's NAMEDATALEN − 1), never a reserved word,
 * de-duplicated with `_2`, `_3`…. The names are still always quoted in SQL (DESIGN invariant 7); being plain
 * only makes them pleasant to type in a BI tool.
 */
import { RESERVED_WORDS } from './reserved-words.ts';

/** Longest identifier PostgreSQL keeps without truncating (bytes); all generated names are ASCII. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * `Q3_2_TEXT` → `q3_2_text`, `Âge (années)` → `age_annees`, `"; DROP TABLE x; --` → `drop_table_x`.
 * Accents are folded to their base letter; anything else outside `[a-z0-9]` becomes one `_`; leading and trailing
 * underscores are dropped. May return an empty string (e.g. for `質問` or `🙂`).
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Cuts `name` to `maxBytes` and drops a trailing underscore the cut may leave. */
function bound(name: string, maxBytes: number): string {
  return name.length <= maxBytes ? name : name.slice(0, maxBytes).replace(/_+$/, '');
}

/**
 * A readable, bounded, non-reserved name from the first of `candidates` that slugs to something, else `fallback`
 * (which must already be a valid name). Names starting with a digit get a `c_` prefix (`1_q5` → `c_1_q5`) so that
 * they are valid unquoted; reserved words get a `_` suffix (`order` → `order_`).
 */
export function readableName(candidates: ReadonlyArray<string | null | undefined>, fallback: string): string {
  let name = fallback;
  for (const candidate of candidates) {
    const slug = candidate ? slugify(candidate) : '';
    if (slug) {
      name = slug;
      break;
    }
  }
  if (/^[0-9]/.test(name)) name = `c_${name}`;
  name = bound(name, MAX_IDENTIFIER_BYTES);
  if (RESERVED_WORDS.has(name)) name = `${name}_`;
  return name;
}

/**
 * `base`, or `base_2`, `base_3`… (the base shortened so that the whole stays within 63 bytes): the first that is
 * not in `taken` (compared in lowercase, as SQLite compares identifiers) and not reserved. Adds it to `taken`.
 */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()) || RESERVED_WORDS.has(name.toLowerCase()); n++) {
    const suffix = `_${n}`;
    name = bound(base.replace(/_+$/, ''), MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
  }
  taken.add(name.toLowerCase());
  return name;
}

/** `"a""b"`: the identifier as a quoted SQL identifier. Rejects NUL, which no SQL identifier can hold. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}
