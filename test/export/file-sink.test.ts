import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSink } from '../../src/export/internal/file-sink.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qsync-file-sink-'));
  dirs.push(dir);
  return join(dir, 'download.part');
}

describe('FileSink.discard', () => {
  it('removes the file even when discarded before its file was opened, so the path can be opened again', async () => {
    const path = tempPath();
    // Discarded synchronously after construction: the `wx` open is still pending and completes afterwards.
    const first = new FileSink(path);
    await first.discard();
    expect(existsSync(path)).toBe(false);
    const second = new FileSink(path);
    await new Promise<void>((resolve, reject) => {
      second.once('error', reject);
      second.end(Buffer.from('abc'), () => resolve());
    });
    expect(readFileSync(path, 'utf8')).toBe('abc');
  });

  it('removes a partly written file and a finished one', async () => {
    const path = tempPath();
    const partial = new FileSink(path);
    await new Promise<void>((resolve) => partial.write(Buffer.from('x'.repeat(1000)), () => resolve()));
    expect(partial.bytes).toBe(1000);
    await partial.discard();
    expect(existsSync(path)).toBe(false);
    const done = new FileSink(path);
    await new Promise<void>((resolve) => done.end(Buffer.from('y'), () => resolve()));
    await done.discard();
    expect(existsSync(path)).toBe(false);
  });
});
