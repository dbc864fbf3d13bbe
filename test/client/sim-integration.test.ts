import { mkdtempSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PermissionDeniedError, QualtricsClient, type ResponseExportProgress } from '../../src/client/index.ts';
import { type Simulator, startSimulator } from '../../src/sim/index.ts';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, surveys: 2, responsesPerSurvey: 25, exportDelayMs: 50, notYetAvailableMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

function oauthClient(scopes?: string[]) {
  return new QualtricsClient({
    env: {},
    baseUrl: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenCache: false,
    ...(scopes ? { scopes } : {}),
  });
}

async function waitForFile(client: QualtricsClient, surveyId: string, progressId: string): Promise<ResponseExportProgress> {
  for (let i = 0; i < 100; i++) {
    const p = await client.responseExports.progress(surveyId, progressId);
    if (p.status !== 'inProgress') return p;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('export did not finish');
}

describe('client against the local simulator (loopback)', () => {
  it('OAuth, whoami, surveys, definitions and filters', async () => {
    const client = oauthClient();
    const me = await client.whoami.get();
    expect(typeof me.userId).toBe('string');
    const surveys = await client.surveys.list().toArray();
    expect(surveys.map((s) => s.id).sort()).toEqual([...sim.surveyIds].sort());
    const id = sim.surveyIds[0]!;
    const survey = await client.surveys.get(id);
    expect(survey.id).toBe(id);
    const definition = await client.surveyDefinitions.get(id);
    expect(definition.SurveyID).toBe(id);
    expect(Array.isArray(await client.surveys.filters(id).toArray())).toBe(true);
  });

  it('export start → progress → streamed download of a zip', async () => {
    const client = oauthClient();
    const id = sim.surveyIds[0]!;
    const started = await client.responseExports.start(id, { format: 'csv', allowContinuation: true });
    expect(started.status === 'inProgress' || started.status === 'complete').toBe(true);
    const done = await waitForFile(client, id, started.progressId);
    expect(done.status).toBe('complete');
    expect(typeof done.continuationToken).toBe('string');
    const to = join(mkdtempSync(join(tmpdir(), 'qsync-sim-')), 'export.zip');
    const result = await client.responseExports.download(id, done.fileId!, { to });
    expect(result.bytes).toBeGreaterThan(100);
    const fd = openSync(to, 'r');
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    closeSync(fd);
    expect(magic.toString('latin1')).toBe('PK');
  });

  it('single response, raw() and a 404 through the API token', async () => {
    const client = new QualtricsClient({ env: {}, baseUrl: sim.url, apiToken: sim.apiToken });
    const id = sim.surveyIds[1]!;
    const [first] = sim.world.responses(id);
    const response = await client.responses.get(id, first!.responseId);
    expect(response.responseId).toBe(first!.responseId);
    const raw = await client.raw('GET', 'whoami');
    expect(raw.status).toBe(200);
    expect(typeof raw.requestId).toBe('string');
    const missing = await client.raw('GET', 'surveys/SV_zzzzzzzzzzzzzzz', undefined, { allow404: true });
    expect(missing.status).toBe(404);
    await expect(client.surveys.get('SV_zzzzzzzzzzzzzzz')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a token without the needed scope gets a 403 naming the scope', async () => {
    const client = oauthClient(['read:surveys']);
    const err = await client.responseExports.start(sim.surveyIds[0]!, { format: 'json' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as Error).message).toMatch(/^missing permission or scope \(needs read:survey_responses\)/);
  });
});
