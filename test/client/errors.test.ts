import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QualtricsClient,
  QualtricsError,
} from '../../src/client/index.ts';
import { makeAPIError } from '../../src/client/internal/error-factory.ts';
import { fakeTime, SV, Script } from './helpers/scripted-fetch.ts';

const REAL = join(import.meta.dirname, '../fixtures/real');
const real = (path: string): unknown => JSON.parse(readFileSync(join(REAL, path), 'utf8'));

const base = { method: 'GET', path: '/API/v3/whoami', authKind: 'token' as const, retries: 0, redact: (t: string) => t };

describe('error factory (recorded Qualtrics error bodies)', () => {
  it('400 ATC_1 is a BadRequestError carrying errorCode and requestId', () => {
    const err = makeAPIError({ ...base, status: 400, body: real('deddyss__qualtrics-response-exporter/tests__json__badrequest.json') });
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toBeInstanceOf(QualtricsError);
    expect(err.errorCode).toBe('ATC_1');
    expect(err.requestId).toBe('f815bedc-f842-5a5b-8b96-eaec3448b420');
    expect(err.message).toBe(
      'Qualtrics rejected the request as invalid: An apiToken must be provided. (HTTP 400, errorCode ATC_1, requestId f815bedc-f842-5a5b-8b96-eaec3448b420, GET /API/v3/whoami)',
    );
  });

  it('400 ATP_2 says no credentials were sent', () => {
    const body = { meta: { httpStatus: '400 - Bad Request', error: { errorCode: 'ATP_2', errorMessage: 'Expected authorization in headers, but none provided.' } } };
    expect(makeAPIError({ ...base, status: 400, body }).message).toMatch(/^no credentials sent \(Qualtrics saw neither X-API-TOKEN nor Authorization\)/);
  });

  it('401 DCD_7 with an API token points at the token and the data center', () => {
    const err = makeAPIError({ ...base, status: 401, body: real('deddyss__qualtrics-response-exporter/tests__json__unauthorized.json') });
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(
      'authentication failed: check QUALTRICS_API_TOKEN (regenerating a token invalidates the old one) and check QUALTRICS_DATA_CENTER: tokens are bound to the data center that issued them: Unrecognized X-API-TOKEN. (HTTP 401, errorCode DCD_7, requestId ea883bdc-d749-59b3-bb17-69161f2bc3be, GET /API/v3/whoami)',
    );
  });

  it('403 names the scope the endpoint needs', () => {
    const body = real('CambridgeEducation__qualtrics_api/fixtures__vcr_cassettes__question_find_fail.yml.r00_GET_403.json');
    const err = makeAPIError({ ...base, status: 403, body, path: `/API/v3/survey-definitions/${SV}`, scope: 'read:surveys' });
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.message).toMatch(/^missing permission or scope \(needs read:surveys\): The operation is forbidden\. \(HTTP 403, errorCode QMST_2\.1, requestId 6ec1af12/);
  });

  it('legacy capitalised envelopes (Meta.ErrorMessage) are read too', () => {
    const body = real(
      'welltok__qualtrics/spec__fixtures__vcr_cassettes__Qualtrics_Distribution__creating_to_qualtrics__can_update_itself.yml.r11_GET_500.json',
    );
    const err = makeAPIError({ ...base, status: 500, body, retries: 3 });
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.errorCode).toBe('ESRV18');
    expect(err.message).toContain('Qualtrics server error after 3 retries: This survey is Unknown to this user account.');
  });

  it('a non-JSON body is kept as text, on one line', () => {
    const err = makeAPIError({ ...base, status: 502, body: '<html>\n<body>Bad gateway</body>\n</html>' });
    expect(err.message).toBe('Qualtrics server error: <html> <body>Bad gateway</body> </html> (HTTP 502, GET /API/v3/whoami)');
    expect(err.httpStatus).toBe('502 - Bad Gateway');
  });

  it('through the client, a 404 on a survey says what it usually means', async () => {
    const body = readFileSync(join(REAL, 'CambridgeEducation__qualtrics_api/fixtures__vcr_cassettes__survey_find.yml.r01_GET_404.json'), 'utf8');
    const script = new Script().on('GET', `/API/v3/surveys/${SV}`, { status: 404, text: body, headers: { 'content-type': 'application/json' } });
    const time = fakeTime();
    const client = new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0005', dataCenter: 'iad1', fetch: script.fetch, clock: time.clock, sleep: time.sleep });
    const err = (await client.surveys.get(SV).catch((e: unknown) => e)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe(`survey not found or not visible to this user: Survey not found. (HTTP 404, errorCode GSI_2, GET /API/v3/surveys/${SV})`);
    expect(err.method).toBe('GET');
    expect(err.path).toBe(`/API/v3/surveys/${SV}`);
  });
});
