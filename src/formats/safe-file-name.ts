/**
 * Survey names → file names that are safe on Linux, macOS and Windows.
 */

/** Options of {@link safeFileName}. */
export interface SafeFileNameOptions {
  /** Longest result in UTF-8 bytes (file systems allow 255; the default leaves room for a suffix). Default 200. */
  maxBytes?: number;
  /** Used when nothing usable is left of the name. Default `export`. */
  fallback?: string;
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\u2028\u2029]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * A file name (never a path) for `name`: path separators, `:` and other characters Windows forbids, and control
 * characters become `_`; whitespace runs become one space; leading and trailing dots and spaces go (so `..` and
 * hidden names cannot come out); Windows device names (`CON`, `nul.txt`, `COM1`) get a leading `_`; the result
 * is cut to `maxBytes` UTF-8 bytes, keeping a short extension. Never empty: falls back to `fallback`.
 */
export function safeFileName(name: string, options: SafeFileNameOptions = {}): string {
  const maxBytes = Math.max(16, options.maxBytes ?? 200);
  const fallback = options.fallback ?? 'export';
  let out = name
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(LONE_SURROGATE, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (out === '' || /^[_\s.]*$/.test(out)) return fallback === name ? 'export' : safeFileName(fallback, { maxBytes });
  if (RESERVED.test(out)) out = `_${out}`;
  if (Buffer.byteLength(out) > maxBytes) {
    const dot = out.lastIndexOf('.');
    const ext = dot > 0 && out.length - dot <= 10 ? out.slice(dot) : '';
    out = truncateUtf8(out.slice(0, out.length - ext.length), maxBytes - Buffer.byteLength(ext)).replace(/[\s.]+$/, '') + ext;
  }
  return out;
}
