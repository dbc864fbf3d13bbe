import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeExportDir, sweepExportDirs } from '../../src/export/index.ts';

const host = hostname().toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40) || 'host';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'qsync-sweep-test-'));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

/** A directory as a process `pid` of `owner` would have made it, with a file inside, last modified 10 min ago. */
function leftover(owner: string, pid: number, suffix = 'aB3dE9'): string {
  const dir = join(parent, `qsync-export-${owner}-${pid}-${suffix}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'download.part'), 'partial');
  const old = new Date(Date.now() - 600_000);
  utimesSync(dir, old, old);
  return dir;
}

describe('export temporary directories', () => {
  it('are named after this host and process', async () => {
    const dir = await makeExportDir(parent);
    expect(basename(dir)).toMatch(new RegExp(`^qsync-export-${host.replace(/-/g, '\\-')}-${process.pid}-[A-Za-z0-9]{6}$`));
  });

  it('a sweep removes only directories of dead processes of this host, old enough when asked', async () => {
    const dead = deadPid();
    const gone = leftover(host, dead);
    const live = leftover(host, process.ppid);
    const mine = leftover(host, process.pid);
    const otherHost = leftover(`${host}-elsewhere`, dead, 'Zz9yY8');
    const young = join(parent, `qsync-export-${host}-${dead}-Qq1wW2`);
    mkdirSync(young);
    const unrelated = join(parent, 'qsync-export-notes');
    mkdirSync(unrelated);

    expect(await sweepExportDirs(parent, 60_000)).toEqual([gone]);
    expect(existsSync(gone)).toBe(false);
    expect(readdirSync(parent).sort()).toEqual([live, mine, otherHost, young, unrelated].map((d) => basename(d)).sort());
  });

  it('by default any age will do', async () => {
    const fresh = join(parent, `qsync-export-${host}-${deadPid()}-Qq1wW2`);
    mkdirSync(fresh);
    expect(await sweepExportDirs(parent)).toEqual([fresh]);
  });

  it('a missing parent removes nothing', async () => {
    expect(await sweepExportDirs(join(parent, 'absent'))).toEqual([]);
  });
});
