import { type FileHandle, open, unlink } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * A Writable onto a new file (`wx`: never overwrites) that reports every chunk's size once it is on disk. Finishes
 * only after the file is closed, so a rename after `finish` never sees a half-written file.
 */
export class FileSink extends Writable {
  #handle: FileHandle | undefined;
  #bytes = 0;

  constructor(
    readonly path: string,
    private readonly onBytes: (total: number) => void = () => undefined,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Stops writing and removes the file. Waits until the stream has closed first: destroyed while its file is still
   * being opened, the open completes afterwards and would recreate the file behind an earlier unlink (and a next
   * attempt opening the same path with `wx` would then fail with EEXIST).
   */
  async discard(): Promise<void> {
    if (!this.closed) {
      const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
      this.destroy();
      await closed;
    }
    await unlink(this.path).catch(() => undefined);
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'wx').then(
      (handle) => {
        this.#handle = handle;
        callback();
      },
      (err: Error) => callback(err),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#handle!.write(chunk).then(
      () => {
        this.#bytes += chunk.length;
        this.onBytes(this.#bytes);
        callback();
      },
      (err: Error) => callback(err),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const handle = this.#handle;
    this.#handle = undefined;
    (handle ? handle.close() : Promise.resolve()).then(
      () => callback(),
      (err: Error) => callback(err),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.#handle;
    this.#handle = undefined;
    if (!handle) {
      callback(error);
      return;
    }
    handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
