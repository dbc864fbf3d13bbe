/**
 * A growable byte buffer for the staging encoder: text is written straight into it as UTF-8, short runs by hand
 * (a native call costs about as much as copying a few dozen bytes in JavaScript), long ones natively.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A growable byte buffer; `buf` is replaced when it grows, so never keep a reference to it across writes. */
export class Bytes {
  buf: Buffer;
  /** Bytes written so far. */
  pos = 0;

  /** `size`: the initial capacity (bytes). */
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
  }

  /** Appends `text`, which is ASCII (digits, `true`, base64…). */
  ascii(text: string): void {
    this.room(text.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < text.length; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Appends the decimal digits of `n`, a safe integer: `String(n)` without allocating the string (-0 is `0`). */
  int(n: number): void {
    this.room(17);
    const buf = this.buf;
    let v = n;
    if (v < 0) {
      buf[this.pos++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      buf[--p] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** Appends bytes `from`–`to` of `src` (another buffer). */
  slice(src: Buffer, from: number, to: number): void {
    this.room(to - from);
    if (to - from > 64) {
      this.pos += src.copy(this.buf, this.pos, from, to);
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) buf[p++] = src[i]!;
    this.pos = p;
  }

  /** Appends bytes `from`–`to` of `src` (another buffer, UTF-8) with each backslash doubled, as COPY text needs. */
  sliceEscaped(src: Buffer, from: number, to: number): void {
    for (let at = from; ; ) {
      const backslash = src.indexOf(BACKSLASH, at);
      if (backslash < 0 || backslash >= to) {
        this.slice(src, at, to);
        return;
      }
      this.slice(src, at, backslash + 1);
      this.byte(BACKSLASH);
      at = backslash + 1;
    }
  }

  /** Appends `text` when it is printable ASCII without `\`, which COPY would escape; returns false otherwise. */
  plainField(text: string): boolean {
    const n = text.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return false;
      buf[p++] = c;
    }
    this.pos = p;
    return true;
  }

  /**
   * Appends `text` in quotes when it is printable ASCII without `"` or `\`: then it is at once its JSON string and
   * its COPY field. Returns false, with nothing appended, for any other text.
   */
  quotedPlain(text: string): boolean {
    const n = text.length;
    this.room(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
      buf[p++] = c;
    }
    buf[p++] = QUOTE;
    this.pos = p;
    return true;
  }
}
