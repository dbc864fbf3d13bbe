import { describe, expect, it } from 'vitest';
import { InvalidParameterError, QualtricsClient, ResponseNotAvailableError } from '../../src/client/index.ts';
import { fakeTime, ok, RID, SV, Script } from './helpers/scripted-fetch.ts';

const GET = `/API/v3/surveys/${SV}/responses/${RID}`;
const notYet = { status: 202, json: { result: { message: 'The Survey Response is not yet available. Please try again later.' }, meta: { httpStatus: '202 - Accepted', requestId: 'r-202' } } };
const single = { responseId: RID, values: { QID1: 2, finished: 1 }, labels: { QID1: 'Yes' }, displayedFields: ['QID1'], displayedValues: { QID1: [1, 2] } };

function setup(script: Script) {
  const time = fakeTime();
  const client = new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0004', dataCenter: 'iad1', fetch: script.fetch, clock: time.clock, sleep: time.sleep, retryDelayMs: 1000 });
  return { client, time };
}

describe('single responses', () => {
  it('waits out 202 "not yet available" with growing delays', async () => {
    const script = new Script().on('GET', GET, notYet, notYet, notYet, ok(single));
    const { client, time } = setup(script);
    expect(await client.responses.get(SV, RID)).toEqual(single);
    expect(script.seen).toHaveLength(4);
    expect(time.sleeps.filter((ms) => ms >= 1000)).toEqual([1000, 2000, 4000]);
  });

  it('gives up after maxWaitMs, or at once without waiting', async () => {
    const script = new Script().on('GET', GET, notYet);
    const { client } = setup(script);
    const err = await client.responses.get(SV, RID, { maxWaitMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseNotAvailableError);
    expect((err as Error).message).toBe(`response ${RID} of survey ${SV} is not yet available (Qualtrics answered 202 for 5 s); try again later`);
    const before = script.seen.length;
    await expect(client.responses.get(SV, RID, { waitWhileNotAvailable: false })).rejects.toThrow(
      `response ${RID} of survey ${SV} is not yet available (Qualtrics answered 202); try again later`,
    );
    expect(script.seen.length - before).toBe(1);
  });

  it('creates, updates embedded data and deletes with the documented bodies', async () => {
    const script = new Script()
      .on('POST', `/API/v3/surveys/${SV}/responses`, ok({ responseId: RID }))
      .on('PUT', `/API/v3/responses/${RID}`, { status: 200, json: { meta: { httpStatus: '200 - OK', requestId: 'r' } } })
      .on('DELETE', GET, { status: 200, json: { meta: { httpStatus: '200 - OK', requestId: 'r' } } });
    const { client } = setup(script);
    expect(await client.responses.create(SV, { values: { QID1: 1 }, idempotencyKey: '0b3f2c1e-1111-4222-8333-944455556666' })).toEqual({ responseId: RID });
    await client.responses.updateEmbeddedData(SV, RID, { embeddedData: { segment: 'A' } });
    await client.responses.delete(SV, RID, { decrementQuotas: true });
    const [create, update, del] = script.seen;
    expect(JSON.parse(create!.body!)).toEqual({ values: { QID1: 1 } });
    expect(create!.headers['idempotency-key']).toBe('0b3f2c1e-1111-4222-8333-944455556666');
    expect(JSON.parse(update!.body!)).toEqual({ surveyId: SV, embeddedData: { segment: 'A' }, resetRecordedDate: false });
    expect(del!.url.search).toBe('?decrementQuotas=true');
  });

  it('validates ids before sending', async () => {
    const script = new Script();
    const { client } = setup(script);
    await expect(client.responses.get(SV, 'R_bad/../x')).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(client.responses.delete('sv_lower', RID)).rejects.toThrow('surveyId must be a survey id');
    expect(script.seen).toHaveLength(0);
  });
});
