import { type FileHandle, open } from 'node:fs/promises';

/** Where a download stands, as its readers see it. */
export type GrowingState = 'growing' | 'complete' | 'failed';

/**
 * The file a download is writing while others read it: the download reports each attempt's file, the bytes on disk
 * and how it ended; readers wait for bytes (or the end) instead of polling the disk. A new attempt (a download
 * started again after a truncated one) writes a new file from byte 0.
 */
export class GrowingFile {
  #path: string | null = null;
  #attempt = 0;
  #written = 0;
  #state: GrowingState = 'growing';
  #error: unknown;
  #waiters: Array<() => void> = [];

  /** File of the current attempt (null before the first). */
  get path(): string | null {
    return this.#path;
  }
  /** Attempts started so far (1 for the first). */
  get attempt(): number {
    return this.#attempt;
  }
  /** Bytes of the current attempt on disk (readable by another file handle). */
  get written(): number {
    return this.#written;
  }
  get state(): GrowingState {
    return this.#state;
  }
  /** Why the download failed, when it did. */
  get error(): unknown {
    return this.#error;
  }

  /** A new attempt starts writing `path` from byte 0. */
  restart(path: string): void {
    this.#path = path;
    this.#attempt++;
    this.#written = 0;
    this.#wake();
  }

  /** The current attempt has `total` bytes on disk. */
  grew(total: number): void {
    this.#written = total;
    this.#wake();
  }

  /** The current attempt ended with the whole file on disk. */
  complete(): void {
    if (this.#state !== 'growing') return;
    this.#state = 'complete';
    this.#wake();
  }

  /** The download gave up (or was aborted) with `error`: readers get it. */
  fail(error: unknown): void {
    if (this.#state !== 'growing') return;
    this.#state = 'failed';
    this.#error = error;
    this.#wake();
  }

  /** Resolves at the next change (bytes, attempt, end) or `poke()`. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes every waiter without a change (a reader closing). */
  poke(): void {
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Thrown by a read of a closed `FileFollower`. */
export class FollowerClosedError extends Error {
  override name = 'FollowerClosedError';
}

/**
 * Reads a `GrowingFile` at any offset, waiting until the download got there. Follows a new attempt by reopening its
 * file: the bytes before the reader's offset came from an earlier attempt of the same file, which is why the caller
 * must check the whole entry's CRC-32 at the end.
 */
export class FileFollower {
  #handle: FileHandle | null = null;
  #handleAttempt = 0;
  #closed = false;

  constructor(readonly file: GrowingFile) {}

  /**
   * Up to `length` bytes at `position`: what is on disk now, or waits for it. An empty buffer means the download
   * completed before `position`. Throws the download's error when it failed, `FollowerClosedError` once closed.
   */
  async read(position: number, length: number): Promise<Buffer> {
    for (;;) {
      if (this.#closed) throw new FollowerClosedError('the reader of the download was closed');
      const { file } = this;
      if (file.state === 'failed') throw file.error;
      if (file.written > position && file.path !== null) {
        const { attempt } = file;
        const buffer = Buffer.allocUnsafe(Math.min(length, file.written - position));
        const handle = await this.#handleFor(file.path, attempt);
        // A new attempt may have started meanwhile: its file is shorter, so look again.
        if (file.attempt !== attempt) continue;
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead > 0) return buffer.subarray(0, bytesRead);
        continue;
      }
      if (file.state === 'complete') return Buffer.alloc(0);
      await file.changed();
    }
  }

  /** Reads until `length` bytes or the end of the completed download. */
  async readFully(position: number, length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length) {
      const part = await this.read(position + got, length - got);
      if (part.length === 0) break;
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts);
  }

  /** Waits until the download completed; throws its error when it failed, `FollowerClosedError` once closed. */
  async waitForEnd(): Promise<void> {
    for (;;) {
      if (this.#closed) throw new FollowerClosedError('the reader of the download was closed');
      if (this.file.state === 'failed') throw this.file.error;
      if (this.file.state === 'complete') return;
      await this.file.changed();
    }
  }

  /** Closes the file handle and wakes a waiting read (which then throws). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.file.poke();
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }

  async #handleFor(path: string, attempt: number): Promise<FileHandle> {
    if (this.#handle && this.#handleAttempt === attempt) return this.#handle;
    const old = this.#handle;
    this.#handle = null;
    await old?.close().catch(() => undefined);
    const handle = await open(path, 'r');
    if (this.#closed) {
      await handle.close();
      throw new FollowerClosedError('the reader of the download was closed');
    }
    this.#handle = handle;
    this.#handleAttempt = attempt;
    return handle;
  }
}
