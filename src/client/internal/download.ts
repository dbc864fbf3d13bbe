import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APIConnectionTimeoutError, APIUserAbortError, IncompleteDownloadError } from '../errors.ts';
import type { StreamHandle } from './pipeline.ts';
import { connectionErrorCode } from './transport.ts';

/** What a finished download wrote. */
export interface DownloadResult {
  /** Bytes written. */
  bytes: number;
  /** `Content-Type` of the response, when sent. */
  contentType: string | undefined;
  /** `Content-Length` of the response, when sent (then equal to `bytes`). */
  contentLength: number | undefined;
  /** Final file path, when the target was a path. */
  path: string | undefined;
}

export interface WriteOptions {
  /** Longest wait for the next chunk (ms). */
  idleTimeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Streams a response body to a path or a Writable, never holding it in memory. A path is written through a
 * temporary `.part` file renamed on success, so it never holds a partial file; a Writable is ended on success
 * and destroyed with the error on failure. The idle timer counts only time spent waiting for the server, not
 * time the writer spends absorbing backpressure.
 */
export async function writeDownload(handle: StreamHandle, to: string | Writable, opts: WriteOptions): Promise<DownloadResult> {
  const where = `GET ${handle.path}`;
  const lengthHeader = handle.header('content-length');
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  let bytes = 0;
  let idleFired = false;
  let sourceFailed = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      idleFired = true;
      handle.abort();
    }, opts.idleTimeoutMs);
  };
  async function* source(): AsyncGenerator<Uint8Array> {
    arm();
    try {
      for await (const chunk of handle.body) {
        clearTimeout(timer);
        bytes += chunk.byteLength;
        yield chunk;
        arm();
      }
    } catch (err) {
      sourceFailed = true;
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (expected !== undefined && bytes !== expected) {
      sourceFailed = true;
      throw new IncompleteDownloadError(`download ended early: got ${bytes} of ${expected} bytes (${where}); retry the download`, {
        bytesReceived: bytes,
        expectedBytes: expected,
      });
    }
  }

  const tmp = typeof to === 'string' ? `${to}.${process.pid}.${randomBytes(4).toString('hex')}.part` : undefined;
  try {
    const sink = tmp ? createWriteStream(tmp, { flags: 'wx' }) : (to as Writable);
    await pipeline(source, sink, opts.signal ? { signal: opts.signal } : {});
    if (tmp) await rename(tmp, to as string);
  } catch (err) {
    if (tmp) await unlink(tmp).catch(() => undefined);
    handle.abort();
    if (opts.signal?.aborted) throw new APIUserAbortError('download aborted by the caller');
    if (idleFired) {
      throw new APIConnectionTimeoutError(
        `download stalled: no data for ${opts.idleTimeoutMs} ms after ${bytes} bytes (${where}); retry the download`,
        { code: 'IDLE_TIMEOUT' },
      );
    }
    if (err instanceof IncompleteDownloadError) throw err;
    if (sourceFailed) {
      const code = connectionErrorCode(err) ?? (err instanceof Error ? err.message : String(err));
      throw new IncompleteDownloadError(
        `download broke after ${bytes}${expected === undefined ? '' : ` of ${expected}`} bytes: ${code} (${where}); retry the download`,
        { bytesReceived: bytes, expectedBytes: expected },
      );
    }
    throw err;
  }
  return {
    bytes,
    contentType: handle.header('content-type'),
    contentLength: expected,
    path: typeof to === 'string' ? to : undefined,
  };
}
