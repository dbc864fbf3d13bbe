/**
 * The PostgreSQL store against a real PostgreSQL 15 server started by the harness (test/support/postgres.ts): the
 * store contract suite (each case in a schema of its own), unusable targets (each a one-line error that leaves the
 * database untouched and never shows a password), the COPY path with hostile values, and concurrent openers.
 */
import { createServer, connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/open-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.ts';
import type { Store } from '../../src/store/store.ts';
import type { StoreColumn, StoreRecord } from '../../src/store/types.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';
import { describeStoreContract, type StoreFactoryOptions, type StoreUnderTest, type UnusableTarget } from './contract.ts';

let server: PostgresServer;
let seq = 0;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

/** Opens a raw target the way the CLI does (`openStore` dispatches `postgres://` URLs to `PostgresStore`). */
function openTarget(target: string, options: StoreFactoryOptions = {}): Promise<Store> {
  return openStore(target, options);
}

/** A URL for a schema of its own in the shared `postgres` database. */
function freshSchemaUrl(prefix = 't'): { url: string; schema: string } {
  const schema = `${prefix}${++seq}`;
  return { url: server.urlFor({ query: `schema=${schema}` }), schema };
}

/** Every table's definition and rows, indexes and sequences of `schema`, in a fixed order. */
async function dumpSchema(schema: string): Promise<string> {
  const columns = await server.sql(
    `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum`,
    [schema],
  );
  const indexes = await server.sql(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`, [schema]);
  const sequences = await server.sql(`SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = $1 ORDER BY 1`, [
    schema,
  ]);
  const tables = await server.sql<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [
    schema,
  ]);
  const rows: unknown[] = [];
  for (const { tablename } of tables) {
    const name = `"${schema}"."${tablename.replaceAll('"', '""')}"`;
    rows.push(await server.sql(`SELECT row_to_json(t)::text AS r FROM ${name} t ORDER BY 1`));
  }
  return JSON.stringify({ columns, indexes, sequences, rows });
}

/** Schemas, relations and qsync_meta rows of a whole database: what a failed open must not change. */
async function snapshotOf(database: string): Promise<string> {
  const relations = await server.sql(
    `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2`,
    [],
    database,
  );
  const metas = await server.sql<{ nspname: string }>(
    `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'qsync_meta'`,
    [],
    database,
  );
  const meta: unknown[] = [];
  for (const { nspname } of metas) {
    meta.push(await server.sql(`SELECT key, value FROM "${nspname}".qsync_meta ORDER BY key`, [], database));
  }
  return JSON.stringify({ relations, meta });
}

async function postgresUnderTest(options: StoreFactoryOptions = {}): Promise<StoreUnderTest> {
  const { url, schema } = freshSchemaUrl('contract_');
  const subject: StoreUnderTest = {
    store: await openTarget(url, options),
    reopen: () => openTarget(url, options),
    tableNames: async () =>
      (await server.sql<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1`, [schema])).map(
        (r) => r.tablename,
      ),
    setSchemaVersion: async (version) => {
      await server.sql(`UPDATE "${schema}".qsync_meta SET value = $1 WHERE key = 'schema_version'`, [String(version)]);
    },
    fingerprint: () => dumpSchema(schema),
    dispose: async () => {
      await subject.store.close().catch(() => undefined);
      await server.sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
  return subject;
}

/** A loopback port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A fresh database and a login role (with a password) that may connect to it. */
async function databaseAndRole(prefix: string): Promise<{ database: string; role: string; password: string }> {
  const database = (await server.createDatabase(prefix)).split('/').at(-1)!;
  const role = `${prefix}_role_${++seq}`;
  const password = `pw-${role}-s3cret`;
  await server.sql(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
  return { database, role, password };
}

/** Snapshots taken when a target is made, compared by `untouched`. */
const before = new Map<string, { database: string; snapshot: string }>();

async function remember(target: string, database: string): Promise<string> {
  before.set(target, { database, snapshot: await snapshotOf(database) });
  return target;
}

async function unchanged(target: string): Promise<boolean> {
  const b = before.get(target);
  return b !== undefined && (await snapshotOf(b.database)) === b.snapshot;
}

const unusable: UnusableTarget[] = [
  {
    name: 'an unreachable server',
    target: async () => `postgres://qsync:unreachable-s3cret@127.0.0.1:${await closedPort()}/qsync`,
    code: 'cannot-open',
    mentions: (t) => `cannot connect to PostgreSQL at ${/@([^/]+)\//.exec(t)?.[1]} (database "qsync", user "qsync"): connection refused`,
    // Nothing listens there, so there is nothing to touch; the port is still closed.
    untouched: closedPortStillClosed,
  },
  {
    name: 'a wrong password',
    target: async () => {
      const { database, role } = await databaseAndRole('wrongpw');
      return remember(server.urlFor({ database, user: role, password: 'not-the-s3cret' }), database);
    },
    code: 'cannot-open',
    mentions: () => 'password authentication failed',
    untouched: unchanged,
  },
  {
    name: 'a database that does not exist',
    target: async () => server.urlFor({ database: `missing_${++seq}` }),
    code: 'cannot-open',
    mentions: (t) => `database "${t.split('/').at(-1)}" does not exist`,
    untouched: async (t) =>
      (await server.sql(`SELECT 1 FROM pg_database WHERE datname = $1`, [t.split('/').at(-1)])).length === 0,
  },
  {
    name: 'a role without CREATE on the database (no schema can be created)',
    target: async () => {
      const { database, role, password } = await databaseAndRole('nocreate');
      return remember(server.urlFor({ database, user: role, password }), database);
    },
    code: 'cannot-open',
    mentions: (t) => {
      const role = decodeURIComponent(/\/\/([^:]+):/.exec(t)![1]!);
      return `role "${role}" cannot create schema "qsync" in database "${t.split('/').at(-1)}" (it lacks CREATE on the database)`;
    },
    untouched: unchanged,
  },
  {
    name: 'a role that may read but not write the qsync tables',
    target: async () => {
      const { database, role, password } = await databaseAndRole('readonly');
      await (await openTarget(server.urlFor({ database }))).close();
      await server.sql(`GRANT USAGE, CREATE ON SCHEMA qsync TO "${role}"; GRANT SELECT ON ALL TABLES IN SCHEMA qsync TO "${role}"`, [], database);
      return remember(server.urlFor({ database, user: role, password }), database);
    },
    code: 'cannot-open',
    mentions: () => 'lacks DELETE, INSERT, UPDATE on qsync.answers; DELETE, INSERT, UPDATE on qsync.in_progress_responses;',
    untouched: unchanged,
  },
  {
    name: "a schema holding another program's tables",
    target: async () => {
      const schema = `other_app_${++seq}`;
      await server.sql(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.orders (id int)`);
      return remember(server.urlFor({ query: `schema=${schema}` }), 'postgres');
    },
    code: 'not-a-database',
    mentions: (t) => `schema "${t.split('=').at(-1)}" on ${t} holds tables of another program (e.g. "orders")`,
    untouched: unchanged,
  },
  {
    name: 'a malformed URL',
    target: async () => `postgres://qsync:pa ss@127.0.0.1:${server.port}/qsync?colour=blue`,
    code: 'invalid-input',
    mentions: () => `malformed PostgreSQL URL postgres://qsync:***@127.0.0.1:${server.port}/qsync?colour=blue`,
    untouched: async () => true,
  },
];

/** The port of an unreachable target still refuses connections (nothing was started there). */
async function closedPortStillClosed(target: string): Promise<boolean> {
  const port = Number(/:(\d+)\//.exec(target)?.[1]);
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describeStoreContract('postgres', postgresUnderTest, { kind: 'postgres', openTarget: (t) => openTarget(t), unusable });

describe('postgres specifics', () => {
  it('no failure to open shows a password, in the message, the target or the cause', async () => {
    for (const u of unusable) {
      const target = await u.target();
      const password = /\/\/[^:/]+:([^@]+)@/.exec(target)?.[1];
      const err = (await openTarget(target).catch((e: unknown) => e)) as StoreError;
      expect(err).toBeInstanceOf(StoreError);
      if (!password) continue;
      const shown = `${err.message} ${err.target} ${String((err.cause as Error | undefined)?.message)}`;
      expect(shown, u.name).not.toContain(password);
      expect(shown, u.name).not.toContain(decodeURIComponent(password));
    }
  });

  it('the harness fails, never skips, when the server binaries are missing, saying how to install them', async () => {
    const err = await startPostgres({ binDirs: ['/nonexistent/pg/bin'] }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toBe(
      'PostgreSQL 15 server binaries not found (initdb and postgres; looked in /nonexistent/pg/bin): apt-get install postgresql-15 (or put initdb and postgres 15+ on PATH)',
    );
  });

  it('a schema from a newer qsync is named with both versions, and its data is kept', async () => {
    const { url, schema } = freshSchemaUrl();
    const store = await openTarget(url);
    await store.saveSurvey({ id: 'SV_1', name: 'Kept' });
    await store.close();
    await server.sql(`UPDATE "${schema}".qsync_meta SET value = '99' WHERE key = 'schema_version'`);
    const err = (await openTarget(url).catch((e: unknown) => e)) as StoreError;
    expect(err.message).toBe(
      `schema "${schema}" on ${url} has qsync schema version 99, newer than this qsync supports (${SCHEMA_VERSION}); upgrade qsync`,
    );
    expect(await server.sql(`SELECT name FROM "${schema}".surveys`)).toEqual([{ name: 'Kept' }]);
  });

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
    expect(await server.sql(`SELECT value FROM from_url.qsync_meta WHERE key = 'schema_version'`)).toEqual([
      { value: String(SCHEMA_VERSION) },
    ]);
  });

  it('a connection the server drops turns into one clear error, not a crash', async () => {
    const url = server.urlFor({ password: 'dropped-s3cret', query: `schema=t${++seq}&application_name=drop_me` });
    const store = await openTarget(url);
    await store.saveSurvey({ id: 'SV_1', name: 'x' });
    await server.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'drop_me'`);
    const err = (await store.listSurveys().catch((e: unknown) => e)) as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe('closed');
    expect(err.message).toMatch(/^the connection to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\?schema=t\d+&application_name=drop_me was lost \(/);
    expect(err.message).not.toContain('dropped-s3cret');
    expect(await store.getSurvey('SV_1').catch((e: unknown) => (e as StoreError).code)).toBe('closed');
    await store.close();
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

const COLUMNS: StoreColumn[] = [
  { key: 'QID1_TEXT', exportTag: 'Q1', sqlType: 'text' },
  { key: 'QID2', exportTag: 'Q2' },
  { key: 'QID3', exportTag: 'Q3' },
];

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
    const store = await PostgresStore.open(freshSchemaUrl().url);
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
    const store = await PostgresStore.open(freshSchemaUrl().url);
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
    const store = await PostgresStore.open(freshSchemaUrl().url);
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

  it('a json, real or timestamp column widened to text reads as the writer spelled it, not as PostgreSQL casts it', async () => {
    const store = await PostgresStore.open(freshSchemaUrl().url);
    try {
      await store.saveSurvey({ id: 'SV_w', name: 'Widen' });
      const layout = await store.ensureLayout('SV_w', [
        { key: 'j', exportTag: 'j' },
        { key: 'r', exportTag: 'r' },
        { key: 't', exportTag: 't' },
      ]);
      const first = { j: { b: [true, null], a: 'x"y' }, r: 1.5e-7, t: '2024-05-01T12:00:00+02:00' };
      await store.transaction((tx) => tx.upsertResponses('SV_w', layout, [{ responseId: 'R_1', values: first, meta: {} }]));
      const result = await store.transaction((tx) =>
        tx.upsertResponses('SV_w', layout, [{ responseId: 'R_2', values: { j: 'plain', r: 'n/a', t: 'soon' }, meta: {} }]),
      );
      expect(result.widened).toEqual(['j', 'r', 't']);
      expect((await store.getResponse('SV_w', 'R_1'))?.wide).toMatchObject({ j: JSON.stringify(first.j), r: '1.5e-7', t: first.t });
      expect((await store.getResponse('SV_w', 'R_2'))?.wide).toMatchObject({ j: 'plain', r: 'n/a' });
    } finally {
      await store.close();
    }
  });

  it('declares PostgreSQL types for the logical types', async () => {
    const store = await PostgresStore.open(freshSchemaUrl().url);
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
