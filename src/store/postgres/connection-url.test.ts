import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { maskTarget, maskUrl, parsePostgresUrl } from './connection-url.ts';

describe('maskUrl / maskTarget', () => {
  it.each([
    ['postgres://u:s3cret@h/db', 'postgres://u:***@h/db'],
    ['postgres://u:p@ss@h:5/db?schema=x', 'postgres://u:***@h:5/db?schema=x'],
    ['postgres://u:pa/ss@h/db', 'postgres://u:***@h/db'],
    ['postgres://u:p?x#y@h/db', 'postgres://u:***@h/db'],
    ['postgres://u:pa ss@h:99999/db', 'postgres://u:***@h:99999/db'],
    ['postgres://u:s@h/db?password=zz', 'postgres://u:***@h/db?password=***'],
    ['postgres://u@h/db?application_name=a@b', 'postgres://u@h/db?application_name=a@b'],
    ['postgres://h/db', 'postgres://h/db'],
  ])('maskTarget(%j) hides the password', (url, masked) => {
    expect(maskTarget(url)).toBe(masked);
  });

  it('masks every URL inside a message', () => {
    expect(maskUrl('from postgres://a:b1@c/d to postgresql://e:f2@g/h failed')).toBe(
      'from postgres://a:***@c/d to postgresql://e:***@g/h failed',
    );
  });
});

describe('parsePostgresUrl', () => {
  it('reads host, port, user, password, database and the options, decoding percent-escapes', () => {
    const t = parsePostgresUrl('postgresql://us%40r:p%40ss@db.example:5433/my%20db?schema=Sync%20Data&sslmode=require&connect_timeout=3');
    expect(t).toMatchObject({
      host: 'db.example',
      port: 5433,
      user: 'us@r',
      password: 'p@ss',
      database: 'my db',
      schema: 'Sync Data',
      sslmode: 'require',
      connectTimeoutS: 3,
      endpoint: 'db.example:5433',
      display: 'postgresql://us%40r:***@db.example:5433/my%20db?schema=Sync%20Data&sslmode=require&connect_timeout=3',
    });
  });

  it('defaults: schema qsync, no TLS, 10 s timeout, libpq environment for what is absent', () => {
    expect(parsePostgresUrl('postgres://')).toMatchObject({
      host: undefined,
      port: undefined,
      user: undefined,
      password: undefined,
      database: undefined,
      schema: 'qsync',
      sslmode: 'disable',
      connectTimeoutS: 10,
      endpoint: 'localhost:5432',
    });
  });

  it('an option wins over ?schema=', () => {
    expect(parsePostgresUrl('postgres://h/db?schema=a', 'b').schema).toBe('b');
  });

  it.each([
    ['postgres://u:secret@h/db?schema=', /schema name "" /],
    [`postgres://u:secret@h/db?schema=${'s'.repeat(64)}`, /1 to 63 bytes/],
    ['postgres://u:secret@h:0/db', /port "0" is not a port number/],
    ['postgres://u:secret@h/db?connect_timeout=-1', /connect_timeout/],
    ['mysql://u:secret@h/db', /must start with postgres:\/\//],
  ])('refuses %s', (url, why) => {
    const err = (() => {
      try {
        parsePostgresUrl(url);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('invalid-input');
    expect((err as StoreError).message).toMatch(why);
    expect((err as StoreError).message).not.toContain('secret');
  });
});
