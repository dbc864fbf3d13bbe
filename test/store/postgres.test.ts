/**
 * The PostgreSQL store against a real PostgreSQL 15 server started by the harness (test/support/postgres.ts):
 * the store contract suite, bad input (each a one-line error that leaves the database untouched and never shows a
 * password), the COPY path with hostile values, and concurrent openers.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { StoreColumn, StoreRecord } from '../../src/store/types.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';

let server: PostgresServer;
let schemaSeq = 0;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

/** A URL for a schema of its own in the shared `postgres` database. */
function freshSchemaUrl(): string {
  return server.urlFor({ query: `schema=t${++schemaSeq}` });
}

/** Opens a store expected to fail; returns its error. */
async function openError(url: string, options?: { schema?: string }): Promise<StoreError> {
  const err = await PostgresStore.open(url, options).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

/** Everything in a database that a failed open must not change: schemas, relations, qsync_meta rows. */
async function snapshotOf(database: string): Promise<string> {
  const relations = await server.sql(
    `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2`,
    [],
    database,
  );
  const schemas = await server.sql(`SELECT nspname FROM pg_namespace ORDER BY 1`, [], database);
  const metas = await server.sql(
    `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'qsync_meta'`,
    [],
    database,
  );
  const meta: unknown[] = [];
  for (const { nspname } of metas) {
    meta.push(await server.sql(`SELECT key, value FROM "${String(nspname)}".qsync_meta ORDER BY key`, [], database));
  }
  return JSON.stringify({ relations, schemas, meta });
}

const COLUMNS: StoreColumn[] = [
  { key: 'QID1_TEXT', exportTag: 'Q1', sqlType: 'text' },
  { key: 'QID2', exportTag: 'Q2' },
  { key: 'QID3', exportTag: 'Q3' },
];

describe('bad input: one clear error, nothing touched, no password shown', () => {
  it('an unreachable server names host and port, never the password', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const err = await openError(`postgres://someone:s3cret-pw@127.0.0.1:${closedPort}/qsync`);
    expect(err.code).toBe('cannot-open');
    expect(err.message).toContain(`127.0.0.1:${closedPort}`);
    expect(err.message).toContain('connection refused');
    expect(err.message).not.toContain('s3cret-pw');
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.target).toBe(`postgres://someone:***@127.0.0.1:${closedPort}/qsync`);
  });

  it('a wrong password says so, without the password', async () => {
    await server.sql(`CREATE ROLE pw_user LOGIN PASSWORD 'right-pw'`);
    const err = await openError(server.urlFor({ user: 'pw_user', password: 'wr0ng-pw' }));
    expect(err.code).toBe('cannot-open');
    expect(err.message).toMatch(/password authentication failed/);
    expect(err.message).toContain(`127.0.0.1:${server.port}`);
    expect(err.message).toContain('user "pw_user"');
    expect(`${err.message} ${err.target} ${String((err.cause as Error)?.message)}`).not.toContain('wr0ng-pw');
  });

  it('a missing database is named', async () => {
    const err = await openError(server.urlFor({ database: 'no_such_db' }));
    expect(err.message).toMatch(/database "no_such_db" does not exist/);
  });

  it('a role without CREATE on the database cannot create the schema; nothing is created', async () => {
    const url = await server.createDatabase('noprivs');
    const database = url.split('/').at(-1)!;
    await server.sql(`CREATE ROLE limited LOGIN PASSWORD 'limited-pw'`);
    const before = await snapshotOf(database);
    const err = await openError(server.urlFor({ database, user: 'limited', password: 'limited-pw' }));
    expect(err.code).toBe('cannot-open');
    expect(err.message).toContain('role "limited" cannot create schema "qsync"');
    expect(err.message).toContain(`GRANT CREATE ON DATABASE "${database}" TO "limited"`);
    expect(err.message).not.toContain('limited-pw');
    expect(await snapshotOf(database)).toBe(before);
  });

  it('a role that cannot write the qsync tables is refused at open, naming what it lacks', async () => {
    const url = await server.createDatabase('readonly');
    const database = url.split('/').at(-1)!;
    await (await PostgresStore.open(url)).close();
    await server.sql(`CREATE ROLE reader LOGIN PASSWORD 'reader-pw'`);
    await server.sql(`GRANT USAGE, CREATE ON SCHEMA qsync TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA qsync TO reader`, [], database);
    const before = await snapshotOf(database);
    const err = await openError(server.urlFor({ database, user: 'reader', password: 'reader-pw' }));
    expect(err.code).toBe('cannot-open');
    expect(err.message).toMatch(/role "reader" lacks DELETE, INSERT, UPDATE on qsync\.answers; /);
    expect(await snapshotOf(database)).toBe(before);
  });

  it('a schema from a newer qsync is refused and left exactly as it was', async () => {
    const url = freshSchemaUrl();
    const schema = `t${schemaSeq}`;
    const store = await PostgresStore.open(url);
    await store.saveSurvey({ id: 'SV_1', name: 'Kept' });
    await store.close();
    await server.sql(`UPDATE "${schema}".qsync_meta SET value = '99' WHERE key = 'schema_version'`);
    const before = await snapshotOf('postgres');
    const err = await openError(url);
    expect(err.code).toBe('schema-too-new');
    expect(err.message).toBe(
      `schema "${schema}" on ${url} has qsync schema version 99, newer than this qsync supports (1); upgrade qsync`,
    );
    expect(await snapshotOf('postgres')).toBe(before);
    expect(await server.sql(`SELECT name FROM "${schema}".surveys`)).toEqual([{ name: 'Kept' }]);
  });

  it('a schema holding another program\'s tables is refused', async () => {
    await server.sql(`CREATE SCHEMA other_app; CREATE TABLE other_app.orders (id int)`);
    const before = await snapshotOf('postgres');
    const err = await openError(server.urlFor({ query: 'schema=other_app' }));
    expect(err.code).toBe('not-a-database');
    expect(err.message).toContain('schema "other_app"');
    expect(err.message).toContain('"orders"');
    expect(await snapshotOf('postgres')).toBe(before);
  });

  it.each([
    ['postgres://u:pa ss@127.0.0.1:99999/db', /cannot be parsed/],
    ['postgres://u:secret-1@127.0.0.1/db?sslmode=sometimes', /sslmode "sometimes"/],
    ['postgres://u:secret-1@127.0.0.1/db?colour=blue', /unknown option "colour"/],
    ['postgres://u:secret-1@127.0.0.1/db?password=secret-1', /not in a query parameter/],
    ['postgres://u:secret-1@127.0.0.1/a/b', /single database name/],
  ])('a malformed URL is refused before connecting: %s', async (url, why) => {
    const err = await openError(url);
    expect(err.code).toBe('invalid-input');
    expect(err.message).toMatch(/^malformed PostgreSQL URL postgres:\/\/u:\*\*\*@/);
    expect(err.message).toMatch(why);
    expect(err.message).not.toMatch(/secret-1|pa ss/);
  });
});

describe('opening', () => {
  it('creates qsync tables in the schema from the URL or the option, at the SQLite schema version', async () => {
    const store = await PostgresStore.open(server.urlFor({ query: 'schema=from_url' }));
    expect(store.schema).toBe('from_url');
    await store.close();
    const viaOption = await PostgresStore.open(server.urlFor({ query: 'schema=ignored' }), { schema: 'from Option' });
    expect(viaOption.schema).toBe('from Option');
    await viaOption.close();
    const tables = await server.sql<{ schemaname: string; n: string }>(
      `SELECT schemaname, count(*) AS n FROM pg_tables WHERE schemaname IN ('from_url', 'from Option', 'ignored')
       GROUP BY 1 ORDER BY 1`,
    );
    expect(tables).toEqual([
      { schemaname: 'from Option', n: '8' },
      { schemaname: 'from_url', n: '8' },
    ]);
    const { SCHEMA_VERSION } = await import('../../src/store/sqlite/schema.ts');
    expect(await server.sql(`SELECT value FROM from_url.qsync_meta WHERE key = 'schema_version'`)).toEqual([
      { value: String(SCHEMA_VERSION) },
    ]);
  });

  it('concurrent openers of a new database migrate it once (advisory lock)', async () => {
    const url = await server.createDatabase('race');
    const stores = await Promise.all(Array.from({ length: 5 }, () => PostgresStore.open(url)));
    await Promise.all(stores.map((s) => s.close()));
    const database = url.split('/').at(-1)!;
    expect(await server.sql(`SELECT key FROM qsync.qsync_meta ORDER BY key`, [], database)).toEqual([
      { key: 'created_at' },
      { key: 'schema_version' },
    ]);
  });
});

describe('the COPY path', () => {
  const HOSTILE = [
    'tab\there',
    'line\nbreak',
    'carriage\r\nreturn',
    'back\\slash \\N \\t \\\\',
    '\\.',
    'before\n\\.\nafter',
    '\\N',
    '"quoted", \'single\'; DROP TABLE responses; --',
    'unicode: Grüße, 日本語, עברית, 🙂👍🏽, e\u0301, \u2028\u2029',
    `${'x'.repeat(20_000)}\tend`,
    '',
    ' ',
  ];

  function hostileRecords(): StoreRecord[] {
    return HOSTILE.map((text, i) => ({
      responseId: `R_hostile\t${i}\n\\.`,
      values: { QID1_TEXT: text, QID2: [text, { [text]: text }], QID3: i },
      labels: { QID1_TEXT: text },
      meta: { externalReference: text, distributionChannel: 'anonymous', finished: i % 2 === 0 },
    }));
  }

  it('round-trips tabs, newlines, backslashes, \\. lines and unicode exactly, in every table', async () => {
    const store = await PostgresStore.open(freshSchemaUrl());
    try {
      await store.saveSurvey({ id: 'SV_hostile', name: 'Hostile', longAnswers: true });
      const layout = await store.ensureLayout('SV_hostile', COLUMNS);
      const records = hostileRecords();
      const result = await store.transaction((tx) => tx.upsertResponses('SV_hostile', layout, records));
      expect(result).toMatchObject({ inserted: records.length, updated: 0, unchanged: 0 });
      for (const rec of records) {
        const stored = await store.getResponse('SV_hostile', rec.responseId);
        expect(stored?.values).toEqual(rec.values);
        expect(stored?.labels).toEqual(rec.labels);
        expect(stored?.meta.externalReference).toBe(rec.meta.externalReference);
        expect(stored?.wide).toMatchObject({ response_id: rec.responseId, q1: rec.values.QID1_TEXT, q2: rec.values.QID2 });
        const answers = await store.getAnswers('SV_hostile', rec.responseId);
        expect(answers.find((a) => a.columnKey === 'QID1_TEXT')).toEqual({
          columnKey: 'QID1_TEXT',
          importId: null,
          value: rec.values.QID1_TEXT,
          label: rec.values.QID1_TEXT,
        });
        expect(answers.find((a) => a.columnKey === 'QID2')?.value).toBe(JSON.stringify(rec.values.QID2));
      }
      const again = await store.transaction((tx) => tx.upsertResponses('SV_hostile', layout, hostileRecords()));
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: records.length });
      expect(await store.replaceInProgress('SV_hostile', records)).toEqual({ upserted: records.length, removed: 0 });
      const inProgress = await store.listInProgress('SV_hostile');
      expect(new Map(inProgress.map((r) => [r.responseId, r.values]))).toEqual(
        new Map(records.map((r) => [r.responseId, r.values])),
      );
    } finally {
      await store.close();
    }
  });

  it('refuses text with a NUL character in one line naming response and column, and writes nothing', async () => {
    const store = await PostgresStore.open(freshSchemaUrl());
    try {
      await store.saveSurvey({ id: 'SV_nul', name: 'Nul' });
      const layout = await store.ensureLayout('SV_nul', COLUMNS);
      const records: StoreRecord[] = [
        { responseId: 'R_ok', values: { QID1_TEXT: 'fine' }, meta: {} },
        { responseId: 'R_nul', values: { QID1_TEXT: 'bad\0byte' }, meta: {} },
      ];
      const err = await store
        .transaction(async (tx) => {
          await tx.setSyncState('SV_nul', { continuationToken: 'must-not-commit' });
          return tx.upsertResponses('SV_nul', layout, records);
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toBe(
        'survey SV_nul: response R_nul, column q1: text contains a NUL character (U+0000), which PostgreSQL cannot store',
      );
      expect(await store.countResponses('SV_nul', { includeDeleted: true })).toBe(0);
      expect(await store.getSyncState('SV_nul')).toBeNull();
      // The connection is usable afterwards.
      const ok = await store.transaction((tx) => tx.upsertResponses('SV_nul', layout, records.slice(0, 1)));
      expect(ok.inserted).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('names response and column when PostgreSQL rejects a metadata value', async () => {
    const store = await PostgresStore.open(freshSchemaUrl());
    try {
      await store.saveSurvey({ id: 'SV_meta', name: 'Meta' });
      const layout = await store.ensureLayout('SV_meta', COLUMNS);
      const err = await store
        .transaction((tx) =>
          tx.upsertResponses('SV_meta', layout, [
            { responseId: 'R_1', values: {}, meta: {} },
            { responseId: 'R_2', values: {}, meta: { startDate: 'not a date' } },
          ]),
        )
        .catch((e: unknown) => e as StoreError);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toMatch(
        /^survey SV_meta: response R_2, column start_date: PostgreSQL rejected a value: invalid input syntax for type timestamp with time zone/,
      );
    } finally {
      await store.close();
    }
  });

  it('declares PostgreSQL types for the logical types', async () => {
    const store = await PostgresStore.open(freshSchemaUrl());
    try {
      await store.saveSurvey({ id: 'SV_types', name: 'Types' });
      const layout = await store.ensureLayout('SV_types', [
        { key: 'b', exportTag: 'b' },
        { key: 'i', exportTag: 'i' },
        { key: 'r', exportTag: 'r' },
        { key: 't', exportTag: 't' },
        { key: 'j', exportTag: 'j' },
        { key: 's', exportTag: 's' },
      ]);
      const values = { b: true, i: 7, r: 1.5, t: '2024-05-01T10:00:00.000Z', j: { a: [1] }, s: 'text' };
      await store.transaction((tx) => tx.upsertResponses('SV_types', layout, [{ responseId: 'R_1', values, meta: {} }]));
      expect(await store.describeWideTable('SV_types')).toEqual([
        { name: 'response_id', declaredType: 'text' },
        { name: 'synced_at', declaredType: 'timestamptz' },
        { name: 'deleted_at', declaredType: 'timestamptz' },
        { name: 'b', declaredType: 'boolean' },
        { name: 'i', declaredType: 'bigint' },
        { name: 'r', declaredType: 'double precision' },
        { name: 't', declaredType: 'timestamptz' },
        { name: 'j', declaredType: 'jsonb' },
        { name: 's', declaredType: 'text' },
      ]);
      expect((await store.getResponse('SV_types', 'R_1'))?.wide).toMatchObject(values);
    } finally {
      await store.close();
    }
  });
});
