import { describe, expect, it } from 'vitest';
import { ConfigError, QualtricsClient } from '../../src/client/index.ts';
import { defaultTokenCachePath, resolveConfig } from '../../src/client/internal/config.ts';

const creds = { QUALTRICS_API_TOKEN: 'tok-0123456789', QUALTRICS_DATA_CENTER: 'iad1' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('client configuration', () => {
  it('reads env with defaults', () => {
    const c = resolveConfig({}, { ...creds, QSYNC_TOKEN_CACHE: 'off' });
    expect(c).toMatchObject({
      auth: { kind: 'token', apiToken: 'tok-0123456789' },
      origin: 'https://iad1.qualtrics.com',
      dataCenter: 'iad1',
      maxRetries: 3,
      retryDelayMs: 1000,
      timeoutMs: 15000,
      rateShare: 0.8,
      tokenCachePath: null,
    });
  });

  it('maps org.dc data centers to their host and lets options win over env', () => {
    const c = resolveConfig({ maxRetries: 5 }, { ...creds, QUALTRICS_DATA_CENTER: 'MyOrg.iad1', API_RETRIES_COUNT: '1', API_RETRY_DELAY: '250' });
    expect(c.origin).toBe('https://myorg.iad1.qualtrics.com');
    expect(c.maxRetries).toBe(5);
    expect(c.retryDelayMs).toBe(250);
  });

  it('prefers OAuth when client credentials are set, with the default read scopes', () => {
    const c = resolveConfig({}, { ...creds, QUALTRICS_CLIENT_ID: 'cid', QUALTRICS_CLIENT_SECRET: 'secret-123456' });
    expect(c.auth).toEqual({ kind: 'oauth', clientId: 'cid', clientSecret: 'secret-123456', scopes: ['read:surveys', 'read:survey_responses'] });
    const s = resolveConfig({}, { ...creds, QUALTRICS_CLIENT_ID: 'cid', QUALTRICS_CLIENT_SECRET: 'x'.repeat(8), QUALTRICS_SCOPES: 'manage:all  read:users' });
    expect(s.auth.kind === 'oauth' && s.auth.scopes).toEqual(['manage:all', 'read:users']);
  });

  it('base URL overrides the host; http only for loopback; /API/v3 suffix tolerated', () => {
    expect(resolveConfig({ baseUrl: 'http://127.0.0.1:4010/' }, creds).origin).toBe('http://127.0.0.1:4010');
    expect(resolveConfig({ baseUrl: 'https://proxy.example/q/API/v3' }, creds).origin).toBe('https://proxy.example/q');
    const err = configError(() => resolveConfig({ baseUrl: 'http://example.com' }, creds));
    expect(err.message).toContain('baseUrl must use https (http is allowed for loopback hosts only)');
  });

  it('names the setting and the bad value', () => {
    const err = configError(() => resolveConfig({}, { ...creds, API_RETRIES_COUNT: 'abc' }));
    expect(err.message).toContain('API_RETRIES_COUNT must be a non-negative integer (got "abc")');
    expect(err.issues).toEqual([{ setting: 'API_RETRIES_COUNT', message: 'must be a non-negative integer (got "abc")' }]);
  });

  it('reports every problem at once', () => {
    const err = configError(() =>
      resolveConfig({ retries: 2 } as never, {
        API_RETRIES_COUNT: '-1',
        API_REQUEST_TIMEOUT: '0',
        API_RETRY_DELAY: '1.5',
        QSYNC_RATE_SHARE: '2',
        QUALTRICS_DATA_CENTER: 'https://iad1.qualtrics.com',
        QUALTRICS_SCOPES: 'surveys',
      }),
    );
    expect(err.issues.map((i) => i.setting)).toEqual([
      'retries',
      'QUALTRICS_SCOPES',
      'QUALTRICS_DATA_CENTER',
      'API_RETRIES_COUNT',
      'API_RETRY_DELAY',
      'API_REQUEST_TIMEOUT',
      'QSYNC_RATE_SHARE',
      'credentials',
    ]);
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('retries is not a known option');
    expect(err.message).toContain('QSYNC_RATE_SHARE must be a number in (0, 1] (got "2")');
  });

  it('explains missing credentials and location', () => {
    const err = configError(() => resolveConfig({}, {}));
    expect(err.message).toBe(
      'invalid Qualtrics client configuration: QUALTRICS_DATA_CENTER is required (e.g. iad1, fra1 or myorg.iad1), or set QUALTRICS_BASE_URL; credentials are missing: set QUALTRICS_CLIENT_ID and QUALTRICS_CLIENT_SECRET (OAuth client credentials) or QUALTRICS_API_TOKEN',
    );
    const half = configError(() => resolveConfig({ clientId: 'cid' }, { QUALTRICS_DATA_CENTER: 'fra1' }));
    expect(half.message).toContain('QUALTRICS_CLIENT_SECRET is required when clientId is set');
  });

  it('never echoes a secret in a config error', () => {
    const err = configError(() => new QualtricsClient({ env: { QUALTRICS_CLIENT_SECRET: 'super-secret-value', API_RETRY_DELAY: 'x' } }));
    expect(err.message).not.toContain('super-secret-value');
    expect(err.exitCode).toBe(2);
  });

  it('places the token cache under the user cache dir', () => {
    expect(defaultTokenCachePath({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/qsync/tokens.json');
    expect(defaultTokenCachePath({ HOME: '/home/ann' })).toBe('/home/ann/.cache/qsync/tokens.json');
    expect(resolveConfig({ tokenCache: false }, creds).tokenCachePath).toBeNull();
    expect(resolveConfig({}, { ...creds, QSYNC_TOKEN_CACHE: '/tmp/t.json' }).tokenCachePath).toBe('/tmp/t.json');
  });

  it('the client exposes its settings without secrets', () => {
    const client = new QualtricsClient({ env: { ...creds, QUALTRICS_CLIENT_ID: 'cid', QUALTRICS_CLIENT_SECRET: 'secret-abcdef' }, tokenCache: false });
    expect(client.settings).toMatchObject({ baseUrl: 'https://iad1.qualtrics.com', authKind: 'oauth', maxRetries: 3 });
    expect(JSON.stringify(client.settings)).not.toContain('secret-abcdef');
  });
});
