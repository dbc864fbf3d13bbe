import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, QualtricsClient, QualtricsError, type SurveySummary } from '../../src/client/index.ts';
import { fail, fakeTime, ok, SV, Script } from './helpers/scripted-fetch.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/real/deddyss__qualtrics-response-exporter');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `tests__json__${name}`), 'utf8')) as { result: { elements: SurveySummary[]; nextPage: string | null } };

function setup(script: Script) {
  const time = fakeTime();
  return new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0002', dataCenter: 'syd1', fetch: script.fetch, clock: time.clock, sleep: time.sleep });
}

/** The three recorded survey pages (syd1, nextPage links `?offset=3`, `?offset=6`, then null). */
function threePages() {
  return ['surveys.1.json', 'surveys.2.json', 'surveys.3.json'].map(fixture);
}

describe('pagination', () => {
  it('awaiting a list gives the first page; iterating gives every item across 3 pages', async () => {
    const [p1, p2, p3] = threePages();
    const script = new Script().on('GET', '/API/v3/surveys', (req) => {
      const offset = req.url.searchParams.get('offset');
      return Response.json(offset === '6' ? p3 : offset === '3' ? p2 : p1);
    });
    const client = setup(script);
    const list = client.surveys.list();
    const first = await list;
    expect(first.elements.map((s) => s.name)).toEqual(['Survey #1', 'Survey #2', 'Survey #3']);
    const names: string[] = [];
    for await (const survey of list) names.push(survey.name);
    expect(names).toEqual(['Survey #1', 'Survey #2', 'Survey #3', 'Survey #4', 'Survey #5', 'Survey #6', 'Survey #7', 'Survey #8', 'Survey #9']);
    // The first page was fetched once and reused; nextPage was followed verbatim.
    expect(script.seen.map((s) => s.url.search)).toEqual(['', '?offset=3', '?offset=6']);
  });

  it('refuses a nextPage on another origin and sends nothing there', async () => {
    const [p1] = threePages();
    p1!.result.nextPage = 'https://evil.example/API/v3/surveys?offset=3';
    const script = new Script().on('GET', '/API/v3/surveys', () => Response.json(p1));
    const client = setup(script);
    const seen: string[] = [];
    const run = async () => {
      for await (const s of client.surveys.list()) seen.push(s.id);
    };
    await expect(run()).rejects.toThrow('refusing to follow result.nextPage to another origin (evil.example, expected syd1.qualtrics.com)');
    expect(seen).toHaveLength(3);
    expect(script.seen).toHaveLength(1);
  });

  it('stops on a nextPage loop', async () => {
    const page = { result: { elements: [{ id: 'a' }], nextPage: 'https://syd1.qualtrics.com/API/v3/surveys?offset=1' } };
    const script = new Script().on('GET', '/API/v3/surveys', () => Response.json(page));
    await expect(setup(script).surveys.list().toArray()).rejects.toBeInstanceOf(QualtricsError);
    expect(script.seen).toHaveLength(2);
  });

  it('lists filters of a survey', async () => {
    const script = new Script().on('GET', `/API/v3/surveys/${SV}/filters`, ok({ elements: [{ filterId: 'f1', filterName: 'Adults', creationDate: '2024-01-01T00:00:00Z' }] }));
    expect(await setup(script).surveys.filters(SV).toArray()).toEqual([{ filterId: 'f1', filterName: 'Adults', creationDate: '2024-01-01T00:00:00Z' }]);
  });
});

describe('raw()', () => {
  it('paths are relative to /API/v3, and a leading v2/ switches the version', async () => {
    const script = new Script().on('GET', /.*/, ok({ fine: true }));
    const client = setup(script);
    await client.raw('GET', 'surveys/SV_0123456789abcde/quotas');
    await client.raw('get', 'v2/surveys/SV_0123456789abcde');
    await client.raw('GET', '/API/v3/whoami', undefined, { query: { a: 1 } });
    expect(script.seen.map((s) => s.url.pathname + s.url.search)).toEqual([
      '/API/v3/surveys/SV_0123456789abcde/quotas',
      '/API/v2/surveys/SV_0123456789abcde',
      '/API/v3/whoami?a=1',
    ]);
  });

  it('returns status, the whole body and requestId; sends JSON bodies', async () => {
    const script = new Script().on('POST', '/API/v3/eventsubscriptions', { status: 200, json: { result: { id: 'SUB_1' }, meta: { httpStatus: '200 - OK', requestId: 'r-raw' } } });
    const res = await setup(script).raw('POST', 'eventsubscriptions', { topics: 'surveyengine.completedResponse.SV_1' });
    expect(res).toEqual({ status: 200, body: { result: { id: 'SUB_1' }, meta: { httpStatus: '200 - OK', requestId: 'r-raw' } }, requestId: 'r-raw' });
    expect(script.seen[0]!.headers['content-type']).toBe('application/json');
    expect(script.seen[0]!.body).toBe('{"topics":"surveyengine.completedResponse.SV_1"}');
  });

  it('allow404 returns the 404 instead of throwing', async () => {
    const script = new Script().on('GET', '/API/v3/directories/POOL_1/contacts/CID_1', fail(404, 'GS_7', 'Contact not found', { requestId: 'r-404' }));
    const client = setup(script);
    const res = await client.raw('GET', 'directories/POOL_1/contacts/CID_1', undefined, { allow404: true });
    expect(res.status).toBe(404);
    expect(res.requestId).toBe('r-404');
    await expect(client.raw('GET', 'directories/POOL_1/contacts/CID_1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses unknown methods and absolute URLs off the origin', async () => {
    const script = new Script();
    const client = setup(script);
    await expect(client.raw('TRACE', 'whoami')).rejects.toThrow('method must be one of GET, POST, PUT, DELETE, PATCH (got "TRACE")');
    await expect(client.raw('GET', 'https://evil.example/API/v3/whoami')).rejects.toThrow('refusing to send credentials to evil.example');
    expect(script.seen).toHaveLength(0);
  });
});
