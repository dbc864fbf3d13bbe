/**
 * Turning the writers' text pieces into the file's bytes. Pieces (one record, one response) are encoded straight
 * into a 64 KiB buffer, which is handed on when full: one encoder call per piece on a short, mostly one-byte
 * string, instead of joining a long rope of pieces first (flattening it, often into a two-byte string because of
 * one emoji, cost more than the encoding itself).
 */

/** Bytes per chunk handed to the consumer (the zip stream or the HTTP response). */
export const CHUNK_BYTES = 64 * 1024;

/** Encodes text pieces into chunks of about `CHUNK_BYTES` (never more, except for a single larger piece). */
export class ChunkWriter {
  /** Most bytes one UTF-16 code unit can take in the encoding. */
  private readonly perChar: number;
  private buf: Buffer;
  private used = 0;
  /** Chunks filled and not yet taken. */
  private readonly full: Buffer[] = [];

  constructor(
    private readonly encoding: 'utf8' | 'utf16le',
    private readonly size = CHUNK_BYTES,
  ) {
    this.perChar = encoding === 'utf8' ? 3 : 2;
    this.buf = Buffer.allocUnsafe(size);
  }

  write(text: string): void {
    const worst = text.length * this.perChar;
    if (this.used + worst > this.size) {
      this.flush();
      if (worst > this.size) {
        this.full.push(Buffer.from(text, this.encoding));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, this.encoding);
  }

  /** True when chunks are waiting to be taken. */
  get ready(): boolean {
    return this.full.length > 0;
  }

  /** The chunks filled so far (the caller yields them), oldest first. */
  take(): Buffer[] {
    return this.full.splice(0, this.full.length);
  }

  /** Closes the current chunk, even when not full (at the end of the file). */
  flush(): void {
    if (this.used === 0) return;
    this.full.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(this.size);
    this.used = 0;
  }
}

/** Encodes text pieces into ~64 KiB chunks (fewer, larger writes downstream). */
export function* encodeChunks(pieces: Iterable<string>, encoding: 'utf8' | 'utf16le'): Generator<Buffer> {
  const writer = new ChunkWriter(encoding);
  for (const piece of pieces) {
    writer.write(piece);
    if (writer.ready) yield* writer.take();
  }
  writer.flush();
  yield* writer.take();
}
