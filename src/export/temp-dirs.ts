/**
 * Private temporary directories of exports, named after their owner (`qsync-export-<host>-<pid>-XXXXXX`) so that
 * those left behind by a killed process can be found and removed later. A process removes its own directories when
 * an export ends, whatever happens, except when it is killed outright (SIGKILL, power loss): `sweepExportDirs`
 * is for then.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'qsync-export-';

/** This machine's host name as it appears in directory names: lower-case letters, digits and dashes, ≤ 40 chars. */
function hostTag(): string {
  return (
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 40) || 'host'
  );
}

/** Creates a private export directory under `parent` (default the OS temporary directory). */
export function makeExportDir(parent: string = tmpdir()): Promise<string> {
  return mkdtemp(join(parent, `${PREFIX}${hostTag()}-${process.pid}-`));
}

/** Whether process `pid` of this machine still runs (a process we may not signal still runs). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the export directories under `parent` (default the OS temporary directory) left by processes of this
 * machine that no longer run, last modified at least `minAgeMs` ago (default 0). Directories of other machines (a
 * shared `tmpDir`: machines are told apart by host name), of live processes, and anything else are left alone. Resolves with the paths removed; never throws
 * (an unreadable `parent` removes nothing).
 */
export async function sweepExportDirs(parent: string = tmpdir(), minAgeMs = 0): Promise<string[]> {
  const owner = new RegExp(`^${PREFIX}${hostTag().replace(/[-]/g, '\\-')}-(\\d+)-[A-Za-z0-9]{6}$`);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(owner.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const path = join(parent, name);
    try {
      const info = await stat(path);
      if (!info.isDirectory() || Date.now() - info.mtimeMs < minAgeMs) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}
