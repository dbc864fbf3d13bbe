/**
 * Turning the writers' text pieces into the file's bytes. Pieces (one record, one response) are encoded straight
 * into a 256 KiB buffer, which is handed on when full: one encoder call per piece on a short string, instead of
 * joining a long rope of pieces first.
 *
 * `latin1` pieces hold UTF-8 already, one byte per character (see `utf8AsLatin1`): a record put together from such
 * texts stays a one-byte string, which is copied rather than converted (a record with a single emoji among its
 * text is otherwise flattened into a two-byte string and then encoded; two thirds of generated records are).
 */

/** How pieces are turned into bytes: `latin1` pieces already hold UTF-8 bytes as characters 0–255. */
export type PieceEncoding = 'utf8' | 'utf16le' | 'latin1';

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The UTF-8 bytes of `text` as a string of characters 0–255, one per byte, which the `latin1` encoding writes back
 * as those bytes; ASCII text is the same either way and is returned as it is.
 */
export function utf8AsLatin1(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/**
 * Bytes per chunk handed to the consumer (the zip stream or the HTTP response). Larger chunks than the usual
 * 64 KiB mean a quarter of the hand-overs to zlib's thread (and thread switches): ~6% less CPU for a zipped export.
 */
export const CHUNK_BYTES = 256 * 1024;

/** Encodes text pieces into chunks of about `CHUNK_BYTES` (never more, except for a single larger piece). */
export class ChunkWriter {
  /** Most bytes one UTF-16 code unit can take in the encoding. */
  private readonly perChar: number;
  private buf: Buffer;
  private used = 0;
  /** Chunks filled and not yet taken. */
  private readonly full: Buffer[] = [];

  constructor(
    private readonly encoding: PieceEncoding,
    private readonly size = CHUNK_BYTES,
  ) {
    this.perChar = encoding === 'utf8' ? 3 : encoding === 'utf16le' ? 2 : 1;
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Appends `text`, encoded (a `latin1` text must hold characters 0–255 only). */
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
    // The chunk goes out as a copy and the buffer is filled again: a buffer handed on is dropped soon after, while
    // one that had been filled row by row had lived through young-generation collections and, moved to the old
    // generation, kept its 256 KiB until a full collection (peak memory grew with the export's length).
    this.full.push(Buffer.from(this.buf.subarray(0, this.used)));
    this.used = 0;
  }
}

/** Encodes text pieces into chunks of `CHUNK_BYTES` (fewer, larger writes downstream). */
export function* encodeChunks(pieces: Iterable<string>, encoding: PieceEncoding): Generator<Buffer> {
  const writer = new ChunkWriter(encoding);
  for (const piece of pieces) {
    writer.write(piece);
    if (writer.ready) yield* writer.take();
  }
  writer.flush();
  yield* writer.take();
}
