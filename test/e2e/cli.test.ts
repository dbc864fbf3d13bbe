import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { safeFileName } from '../../src/formats/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { groundTruth, ROUTES, resetSim, routeStatus, routeTotal, scriptFaults, simStats, startTestSimulator } from './helpers.ts';
import { runCli, simEnv } from './run-cli.ts';

/**
 * `node bin/qsync.js …` against the simulator: exit codes, `--json` shapes, one-line errors for bad input, and
 * no secret or token in anything the CLI prints, faults and verbose logging included.
 */

let sim: Simulator;
let surveyId: string;
let surveyName: string;
let dir: string;
/** Every access token the simulator issued, spied on in process (revocation forgets them). */
const issued: string[] = [];

beforeAll(async () => {
  sim = await startTestSimulator({ surveys: 2, responsesPerSurvey: 60 });
  surveyId = sim.surveyIds[0]!;
  surveyName = sim.world.survey(surveyId)!.name;
  const auth = sim.state.auth as unknown as { issueToken: (...args: unknown[]) => { access_token: string } };
  const issue = auth.issueToken.bind(auth);
  auth.issueToken = (...args: unknown[]) => {
    const answer = issue(...args);
    issued.push(answer.access_token);
    return answer;
  };
});
afterAll(() => sim.close());
beforeEach(async () => {
  await resetSim(sim);
  dir = mkdtempSync(join(tmpdir(), 'qsync-e2e-cli-'));
  return () => rm(dir, { recursive: true, force: true });
});

/** Asserts an error run: the exit code and exactly one line on stderr, matching `pattern`. */
function expectOneLineError(run: { code: number | null; stderr: string; stdout: string }, code: number, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^qsync: /);
  expect(lines[0]).toMatch(pattern);
}

describe('qsync CLI', () => {
  it('--help lists every command', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['whoami', 'surveys', 'export', 'convert', 'raw', 'sim']) expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    const help = await runCli(['export', '--help']);
    for (const flag of ['--format', '--out', '--keep-zip', '--start-date', '--question-ids', '--no-breakout-sets', '--continuation-token', '--no-compress', '--timeout']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('whoami prints the user as a table or as JSON', async () => {
    const json = await runCli(['whoami', '--json'], { env: simEnv(sim) });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ brandId: expect.any(String), userId: expect.stringMatching(/^UR_/), datacenter: expect.any(String) });
    const text = await runCli(['whoami'], { env: simEnv(sim) });
    expect(text.stdout).toMatch(/^brand\s+\S+/m);
    expect(text.stdout).toContain(sim.url);
  });

  it('surveys list and get, with --json shapes', async () => {
    const list = await runCli(['surveys', 'list', '--json'], { env: simEnv(sim) });
    expect(list.code).toBe(0);
    const surveys = JSON.parse(list.stdout) as Array<{ id: string; name: string }>;
    expect(surveys.map((s) => s.id)).toEqual(sim.surveyIds);
    const table = await runCli(['surveys', 'list'], { env: simEnv(sim) });
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+MODIFIED\s+NAME$/);
    expect(table.stderr).toBe('2 surveys\n');
    const get = await runCli(['surveys', 'get', surveyId, '--json'], { env: simEnv(sim) });
    expect(JSON.parse(get.stdout)).toMatchObject({ id: surveyId, name: surveyName, questions: expect.any(Object) });
  });

  it('export writes the file under the survey name and prints a JSON summary', async () => {
    const run = await runCli(['export', surveyId, '--format', 'ndjson', '--out', dir, '--allow-continuation', '--json'], { env: simEnv(sim) });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    const path = join(dir, `${safeFileName(surveyName)}.ndjson`);
    expect(Object.keys(summary)).toEqual(['surveyId', 'format', 'path', 'bytes', 'rows', 'continuationToken', 'durationMs']);
    expect(summary).toMatchObject({ surveyId, format: 'ndjson', path, bytes: statSync(path).size, rows: 60 });
    expect(summary.continuationToken).toEqual(expect.any(String));
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength((await groundTruth(sim, surveyId)).length);
    expect(run.stderr).toBe('');
    expect(routeStatus(await simStats(sim), ROUTES.start)).toEqual({ '200': 1 });
  });

  it('export with every kind of flag: --keep-zip, filters, recodes, a file path for --out', async () => {
    const zip = await runCli(['export', surveyId, '--format', 'csv', '--out', dir, '--keep-zip', '--limit', '5', '--json'], { env: simEnv(sim) });
    expect(zip.code, zip.stderr).toBe(0);
    const zipPath = (JSON.parse(zip.stdout) as { path: string }).path;
    expect(zipPath).toBe(join(dir, `${safeFileName(surveyName)}.zip`));
    expect(readFileSync(zipPath).subarray(0, 2).toString()).toBe('PK');
    const out = join(dir, 'picked.tsv');
    const args = ['export', surveyId, '--format', 'tsv', '--out', out, '--question-ids', 'QID1,QID2', '--seen-unanswered-recode', '-99'];
    args.push('--time-zone', 'Europe/Paris', '--no-breakout-sets', '--include-display-order', '--newline-replacement', ' ', '--no-compress');
    const tsv = await runCli(args, { env: simEnv(sim) });
    expect(tsv.code, tsv.stderr).toBe(0);
    expect(tsv.stdout).toMatch(new RegExp(`^exported ${surveyId} as tsv to .*picked\\.tsv \\(\\d+(\\.\\d)? kB\\) in \\d+\\.\\d s\\n$`));
    // Qualtrics writes TSV as UTF-16LE with a BOM on every line.
    const header = readFileSync(out, 'utf16le').replaceAll('\ufeff', '').split(/\r?\n/, 3);
    expect(header[2]).toContain('Europe/Paris');
    const tags = header[0]!.split('\t');
    expect(tags.filter((t) => /^Q\d/.test(t))).toEqual(['Q1', 'Q1_6_TEXT', 'Q1_DO', 'Q2', 'Q2_7_TEXT', 'Q2_DO']);
    expect(readdirSync(dir).sort()).toEqual([`${safeFileName(surveyName)}.zip`, 'picked.tsv']);
  });

  it('bad input fails with one line and exit code 2', async () => {
    const env = simEnv(sim);
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['export', 'SV_bad'], env, /surveyId must be a survey id/],
      [['export', surveyId, '--format', 'xlsx'], env, /--format must be one of csv, tsv, json, ndjson, spss, xml/],
      [['export', surveyId, '--format', 'json', '--use-labels'], env, /useLabels is not allowed with format json/],
      [['export', surveyId, '--out', join(dir, 'no/such/dir/x.csv')], env, /directory .* does not exist/],
      [['raw', 'POST', 'surveys', '--data', '{"a":'], env, /--data is not valid JSON/],
      [['convert', join(dir, 'missing.csv')], env, /missing\.csv: no such file/],
      [['whoami'], { QSYNC_TOKEN_CACHE: 'off' }, /credentials are missing/],
    ];
    const runs = await Promise.all(cases.map(([args, e]) => runCli(args, { env: e })));
    for (const [i, run] of runs.entries()) expectOneLineError(run, 2, cases[i]![2]);
    // Each was refused before any request.
    expect((await simStats(sim)).total).toBe(0);
  });

  it('runtime failures exit 1 with one line', async () => {
    const env = simEnv(sim);
    expectOneLineError(await runCli(['surveys', 'get', 'SV_0000000000ZZZZZ'], { env }), 1, /404/);
    expectOneLineError(await runCli(['whoami'], { env: { ...env, QUALTRICS_CLIENT_SECRET: 'wrong-secret-value' } }), 1, /OAuth token request .* failed: invalid_client/);
    await scriptFaults(sim, [{ match: 'POST */export-responses', fault: 'exportFail' }]);
    expectOneLineError(await runCli(['export', surveyId, '--out', dir], { env }), 1, /failed \(Qualtrics reported status "failed"/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('raw prints the status and the JSON body; --allow-404 makes a 404 an answer', async () => {
    const env = simEnv(sim);
    const ok = await runCli(['raw', 'GET', 'whoami'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('HTTP 200');
    expect(JSON.parse(ok.stdout.slice(ok.stdout.indexOf('\n') + 1))).toMatchObject({ result: { brandId: expect.any(String) }, meta: { httpStatus: '200 - OK' } });
    const missing = await runCli(['raw', 'GET', 'surveys/SV_0000000000ZZZZZ', '--allow-404', '--json'], { env });
    expect(missing.code).toBe(0);
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 404, body: { meta: { httpStatus: '404 - Not Found' } } });
    expectOneLineError(await runCli(['raw', 'GET', 'surveys/SV_0000000000ZZZZZ'], { env }), 1, /404/);
    const query = await runCli(['raw', 'GET', 'surveys?offset=1', '--json'], { env });
    expect((JSON.parse(query.stdout) as { body: { result: { elements: unknown[] } } }).body.result.elements).toHaveLength(1);
  });

  it('never prints the client secret, the API token or an access token, faults and verbose logs included', async () => {
    await scriptFaults(sim, [
      { match: 'GET */export-responses/ES_*', fault: 'revokeTokens' },
      { match: 'GET */export-responses/ES_*', fault: '500' },
      { match: 'GET */file', fault: 'truncate' },
    ]);
    const runs = [
      await runCli(['export', surveyId, '--out', dir, '--verbose', '--json'], { env: simEnv(sim) }),
      await runCli(['whoami', '--verbose'], { env: simEnv(sim) }),
      await runCli(['raw', 'GET', 'whoami', '--verbose'], { env: { ...simEnv(sim), QUALTRICS_CLIENT_ID: '', QUALTRICS_CLIENT_SECRET: '', QUALTRICS_API_TOKEN: sim.apiToken } }),
      await runCli(['whoami', '--api-token', `${sim.apiToken}x`], { env: { QUALTRICS_BASE_URL: sim.url, QSYNC_TOKEN_CACHE: 'off' } }),
      await runCli(['whoami'], { env: { ...simEnv(sim), QUALTRICS_CLIENT_SECRET: `${sim.clientSecret}x` } }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 1, 1]);
    const stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.progress)).toMatchObject({ '401': 1, '500': 1 });
    expect(routeTotal(stats, ROUTES.file)).toBe(2);
    const printed = runs.map((r) => r.stdout + r.stderr).join('\n');
    expect(printed).toContain('retrying Qualtrics request');
    expect(issued.length).toBeGreaterThanOrEqual(3);
    for (const secret of [sim.clientSecret, sim.apiToken, ...issued]) expect(printed).not.toContain(secret);
    expect(printed).not.toMatch(/Bearer|Basic [A-Za-z0-9+/=]{8}|X-API-TOKEN:/i);
  });
});

describe('qsync export interrupted', () => {
  it('stops on SIGINT mid-poll: exit 130, one clear line, no file left, one export start', async () => {
    const slow = await startTestSimulator({ surveys: 1, responsesPerSurvey: 20, exportDelayMs: 600_000 });
    try {
      let sent = false;
      const run = await runCli(['export', slow.surveyIds[0]!, '--out', dir, '--verbose'], {
        env: simEnv(slow),
        onStderr: (text, child) => {
          if (!sent && text.includes('/export-responses/{progressId}')) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      });
      expect(run.code, run.stderr).toBe(130);
      const last = run.stderr.trimEnd().split('\n').at(-1)!;
      expect(last).toMatch(/^qsync: export of SV_\w+ interrupted by SIGINT; temporary files removed; export job ES_\w+ may still complete on Qualtrics$/);
      expect(readdirSync(dir)).toEqual([]);
      expect(routeTotal(await simStats(slow), ROUTES.start)).toBe(1);
    } finally {
      await slow.close();
    }
  });
});
