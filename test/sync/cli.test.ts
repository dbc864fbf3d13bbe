import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { startSim, tempDir } from './helpers.ts';

const root = resolve(import.meta.dirname, '../..');

let sim: Simulator;
let dir: ReturnType<typeof tempDir>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function qsync(args: string[], cwd = dir.dir): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'bin/qsync.js'), ...args], {
      cwd,
      env: { PATH: process.env['PATH'], HOME: dir.dir, QSYNC_TOKEN_CACHE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

function writeConfig(name: string, text: string): string {
  const path = join(dir.dir, name);
  writeFileSync(path, text);
  return path;
}

/** The database's bytes, and whether a WAL or journal was left beside it. */
function fingerprint(db: string): string {
  const side = ['-wal', '-shm', '-journal'].filter((s) => existsSync(db + s)).join(',');
  return `${createHash('sha256').update(readFileSync(db)).digest('hex')}|${side}`;
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

const good = () => `connection:
  baseUrl: ${sim.url}
  apiToken: \${SIM_TOKEN:-${sim.apiToken}}
destination:
  db: qsync.db
surveys: all
concurrency: 2
`;

beforeAll(async () => {
  ({ sim } = await startSim({ seed: 51, surveys: 2, responsesPerSurvey: 80 }));
  dir = tempDir('qsync-cli-');
});

afterAll(async () => {
  await sim?.close();
  dir?.remove();
});

describe('qsync init', () => {
  it('writes a commented starter config that parses, and refuses to overwrite it without --force', async () => {
    const first = await qsync(['init']);
    expect(first.code).toBe(0);
    const path = join(dir.dir, 'qsync.config.yaml');
    expect(first.stdout.trim()).toBe(path);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^# qsync configuration/);
    expect(parseConfig(text, { source: path, format: 'yaml', env: {} }).surveys).toBe('all');
    const again = await qsync(['init']);
    expect(again.code).toBe(2);
    expect(oneLine(again.stderr)).toContain('already exists');
    expect((await qsync(['init', '--force', '--config', 'other.json'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir.dir, 'other.json'), 'utf8'))).toMatchObject({ surveys: 'all' });
  });
});

describe('qsync sync', () => {
  let db: string;
  let config: string;

  it('syncs every survey and prints a JSON summary per survey', async () => {
    config = writeConfig('sync.yaml', good());
    db = join(dir.dir, 'qsync.db');
    const run = await qsync(['sync', '--config', config, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { ok: boolean; db: string; surveys: Array<Record<string, unknown>> };
    expect(summary.ok).toBe(true);
    expect(summary.db).toBe(db);
    expect(summary.surveys).toHaveLength(2);
    for (const s of summary.surveys) {
      expect(Object.keys(s).slice(0, 6)).toEqual(['surveyId', 'inserted', 'updated', 'deleted', 'unchanged', 'durationMs']);
      expect(s).toMatchObject({ inserted: 80, updated: 0, deleted: 0, status: 'success', mode: 'full' });
    }
    expect(run.stdout + run.stderr).not.toContain(sim.apiToken);
  });

  it('prints a table by default; a second run moves nothing', async () => {
    const run = await qsync(['sync', '--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^survey\s+name\s+mode\s+inserted\s+updated\s+deleted\s+unchanged\s+time\s+status/);
    expect(run.stdout).toContain('continuation');
    expect(run.stdout).toContain('2 surveys into');
    expect(run.stdout).toContain(': 0 inserted, 0 updated, 0 deleted');
    // Nothing but possible retry warnings (a loaded machine can time a request out).
    expect(run.stderr.split('\n').filter((l) => l && !l.startsWith('qsync: warn: retrying'))).toEqual([]);
  });

  it('a bad config: one line listing every problem, exit 2, database untouched', async () => {
    const before = fingerprint(db);
    const bad = writeConfig('bad.yaml', `${good()}concurency: 3\nsurveys: [SV_nope]\n`.replace('surveys: all\n', ''));
    const run = await qsync(['sync', '--config', bad]);
    expect(run.code).toBe(2);
    const line = oneLine(run.stderr);
    expect(line).toContain(`invalid config ${bad}: 2 problems`);
    expect(line).toContain('concurency: is not a known setting');
    expect(line).toContain('surveys[0]: must be a survey id');
    expect(fingerprint(db)).toBe(before);
  });

  it('an unknown survey id: one clear error, exit 1, database untouched', async () => {
    const before = fingerprint(db);
    const run = await qsync(['sync', '--config', config, '--survey', 'SV_doesnotexist000']);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^qsync: survey SV_doesnotexist000 failed: .*not found.*requestId/);
    expect(run.stdout).toBe("");
    expect(fingerprint(db)).toBe(before);
  });

  it('wrong credentials: one clear error, exit 1, database untouched, no secret printed', async () => {
    const before = fingerprint(db);
    const wrong = writeConfig('wrong.yaml', good().replace(`\${SIM_TOKEN:-${sim.apiToken}}`, 'WrongToken0000000000000000000000000000000'));
    const run = await qsync(['sync', '--config', wrong]);
    expect(run.code).toBe(1);
    const line = oneLine(run.stderr);
    expect(line).toMatch(/^qsync: .*(401|Unrecognized|token)/i);
    expect(line).not.toContain('WrongToken0000000000000000000000000000000');
    expect(fingerprint(db)).toBe(before);
  });

  it('an unwritable database path: one clear error, exit 1, nothing created', async () => {
    for (const [where, why] of [
      [join(dir.dir, 'missing-dir', 'q.db'), 'does not exist'],
      [join(config, 'q.db'), 'not a directory'],
    ] as const) {
      const run = await qsync(['sync', '--config', config, '--db', where]);
      expect(run.code).toBe(1);
      const line = oneLine(run.stderr);
      expect(line).toContain('cannot open database');
      expect(line).toContain(why);
      expect(existsSync(where)).toBe(false);
    }
  });

  it('a bad --survey flag is a usage error (exit 2)', async () => {
    const run = await qsync(['sync', '--config', config, '--survey', 'nope']);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toContain('--survey: "nope" is not a survey id');
  });
});
