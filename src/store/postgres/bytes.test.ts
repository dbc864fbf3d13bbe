import { describe, expect, it } from 'vitest';
import { Bytes } from './bytes.ts';

const text = (b: Bytes) => b.buf.toString('utf8', 0, b.pos);

describe('Bytes', () => {
  it('writes a safe integer as String() spells it, growing as needed', () => {
    const values = [0, -0, 7, 9, 10, 99, 100, 12345, -1, -10, 1e15, 2 ** 53 - 1, -(2 ** 53 - 1)];
    for (let i = 0; i < 200; i++) values.push(Math.floor((i * 7919) ** 1.7) * (i % 2 ? -1 : 1));
    const b = new Bytes(4);
    for (const n of values) {
      const start = b.pos;
      b.int(n);
      expect(b.buf.toString('latin1', start, b.pos)).toBe(String(n));
    }
  });

  it('doubles every backslash of a UTF-8 slice, and only those', () => {
    const src = Buffer.from('\\a\\\\é\\🙂x\\');
    const b = new Bytes(1);
    b.sliceEscaped(src, 0, src.length);
    expect(text(b)).toBe('\\\\a\\\\\\\\é\\\\🙂x\\\\');
    const plain = new Bytes(1);
    plain.sliceEscaped(src, 3, 7);
    expect(text(plain)).toBe('\\\\é\\\\');
  });

  it('takes text as a COPY field as it is only when it is printable ASCII without a backslash', () => {
    const b = new Bytes(2);
    expect(b.plainField('R_1ru5V71 "ok"')).toBe(true);
    for (const t of ['tab\there', 'back\\slash', 'é', 'del\u007f']) expect(b.plainField(t)).toBe(false);
    expect(text(b)).toBe('R_1ru5V71 "ok"');
  });
});
