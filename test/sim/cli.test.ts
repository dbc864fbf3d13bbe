import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimFlags, runSimCommand, SimUsageError } from '../../src/sim/cli.ts';

const root = resolve(import.meta.dirname, '../..');

interface Child {
  stdoutLines: Promise<string[]>;
  firstLine: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

function qsync(args: string[]): Child {
  const child = spawn(process.execPath, ['bin/qsync.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let gotLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((r) => (gotLine = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) gotLine(out.slice(0, out.indexOf('\n')));
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((r) =>
    child.on('exit', (code) => {
      gotLine(out);
      r({ code, stderr: err });
    }),
  );
  return {
    firstLine,
    stdoutLines: exit.then(() => out.split('\n').filter((l) => l !== '')),
    exit,
    kill: (s) => child.kill(s),
  };
}

describe('qsync sim', () => {
  it('--json prints exactly one JSON line, serves the API, and exits 0 on SIGTERM', async () => {
    const child = qsync(['sim', '--json', '--port', '0', '--seed', '5', '--surveys', '2', '--responses', '3']);
    const info = JSON.parse(await child.firstLine) as Record<string, unknown>;
    expect(Object.keys(info)).toEqual(['baseUrl', 'clientId', 'clientSecret', 'apiToken', 'surveyIds']);
    expect(info['baseUrl']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info['surveyIds']).toHaveLength(2);
    const who = await fetch(`${info['baseUrl']}/API/v3/whoami`, { headers: { 'x-api-token': String(info['apiToken']) } });
    expect(who.status).toBe(200);
    child.kill('SIGTERM');
    const { code } = await child.exit;
    expect(code).toBe(0);
    expect(await child.stdoutLines).toHaveLength(1);
  });

  it('derives the same credentials from the same seed', async () => {
    const a = qsync(['sim', '--json', '--seed', '9', '--surveys', '1', '--responses', '0']);
    const first = JSON.parse(await a.firstLine) as Record<string, unknown>;
    a.kill('SIGINT');
    expect((await a.exit).code).toBe(0);
    const b = qsync(['sim', '--json', '--seed', '9', '--surveys', '1', '--responses', '0']);
    const second = JSON.parse(await b.firstLine) as Record<string, unknown>;
    b.kill('SIGINT');
    expect((await b.exit).code).toBe(0);
    for (const k of ['clientId', 'clientSecret', 'apiToken', 'surveyIds']) expect(second[k]).toEqual(first[k]);
  });

  it('exits 2 with a one-line error on a bad flag', async () => {
    for (const args of [
      ['--port', '-1'],
      ['--seed', 'abc'],
      ['--rate-scale', '0'],
    ]) {
      const child = qsync(['sim', ...args]);
      const { code, stderr } = await child.exit;
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(args[0]);
    }
  });
});

describe('flag parsing', () => {
  it('turns strings into options', () => {
    expect(
      parseSimFlags({ port: '8080', seed: '3', brandLimit: '60', rateScale: '0.5', retryAfter: '2', tokenTtl: '60' }),
    ).toEqual({
      host: '127.0.0.1',
      port: 8080,
      seed: 3,
      brandLimitPerMin: 60,
      rateScale: 0.5,
      retryAfterSeconds: 2,
      tokenTtlSeconds: 60,
    });
  });

  it('refuses bad values with SimUsageError (exit code 2)', () => {
    for (const flags of [{ port: '70000' }, { port: '1.5' }, { surveys: '0' }, { exportDelayMs: '-5' }, { host: ' ' }]) {
      expect(() => parseSimFlags(flags)).toThrow(SimUsageError);
    }
    expect(() => parseSimFlags({ seed: 'x' })).toThrow('--seed must be an integer >= 0 (got "x")');
  });

  it('runs in-process until stopped, printing the human summary', async () => {
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    let out = '';
    const done = runSimCommand(
      { port: '0', surveys: '1', responses: '1' },
      {
        stdout: {
          write: (s: string) => {
            out += s;
            stop();
          },
        },
        stopped,
      },
    );
    await done;
    expect(out).toMatch(/^Qualtrics simulator listening on http:\/\/127\.0\.0\.1:\d+ \(seed 1\)\n/);
    expect(out).toContain('  API token      ');
  });
});
