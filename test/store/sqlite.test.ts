/**
 * The SQLite store on real files in a temp directory: the store contract, then what only SQLite has (paths, files,
 * pragmas, foreign databases).
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, SqliteStore, StoreError } from '../../src/store/index.ts';
import { describeStoreContract, type StoreUnderTest, type UnusableTarget } from './contract.ts';

const root = mkdtempSync(join(tmpdir(), 'qsync-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

/** A fresh directory under the suite's temp root. */
function freshDir(): string {
  const dir = join(root, `case-${++seq}`);
  rmSync(dir, { recursive: true, force: true });
  return mkdtempSync(`${dir}-`);
}

/** Every table's SQL and rows, in a fixed order. */
function dump(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const objects = db.prepare(`SELECT type, name, sql FROM sqlite_schema ORDER BY type, name`).all() as Array<{
      type: string;
      name: string;
    }>;
    const rows = objects
      .filter((o) => o.type === 'table')
      .map((o) => db.prepare(`SELECT * FROM "${o.name.replaceAll('"', '""')}" ORDER BY rowid`).all());
    return JSON.stringify({ objects, rows });
  } finally {
    db.close();
  }
}

async function sqliteUnderTest(options: { clock?: () => Date } = {}): Promise<StoreUnderTest> {
  const path = join(freshDir(), 'qsync.db');
  const subject: StoreUnderTest = {
    store: await openStore(path, options),
    reopen: () => openStore(path, options),
    tableNames: async () => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
      } finally {
        db.close();
      }
    },
    setSchemaVersion: async (version) => {
      const db = new Database(path);
      db.prepare(`UPDATE qsync_meta SET value = ? WHERE key = 'schema_version'`).run(String(version));
      db.close();
    },
    fingerprint: async () => `${dump(path)}|${readFileSync(path).toString('base64')}`,
    dispose: async () => {
      await subject.store.close().catch(() => undefined);
    },
  };
  return subject;
}

const unusable: UnusableTarget[] = [
  {
    name: 'a path whose directory does not exist',
    target: async () => join(freshDir(), 'missing', 'qsync.db'),
    code: 'cannot-open',
    mentions: (t) => `${t}: directory ${join(t, '..')} does not exist`,
    untouched: async (t) => !existsSync(join(t, '..')),
  },
  {
    name: 'a path under a regular file',
    target: async () => {
      const file = join(freshDir(), 'file.txt');
      writeFileSync(file, 'plain text');
      return join(file, 'qsync.db');
    },
    code: 'cannot-open',
    mentions: (t) => t,
    untouched: async (t) => readFileSync(join(t, '..'), 'utf8') === 'plain text',
  },
  {
    name: 'a file that is not a SQLite database',
    target: async () => {
      const file = join(freshDir(), 'notes.db');
      writeFileSync(file, 'SQLite format 2 — not really\n'.repeat(20));
      return file;
    },
    code: 'not-a-database',
    mentions: (t) => t,
    untouched: async (t) =>
      readFileSync(t, 'utf8') === 'SQLite format 2 — not really\n'.repeat(20) && readdirSync(join(t, '..')).length === 1,
  },
  {
    name: 'a directory given as the database',
    target: async () => freshDir(),
    code: 'cannot-open',
    mentions: (t) => `${t}: it is a directory`,
    untouched: async (t) => readdirSync(t).length === 0,
  },
];

describeStoreContract('sqlite', sqliteUnderTest, { kind: 'sqlite', openTarget: (t) => openStore(t), unusable });

describe('sqlite specifics', () => {
  it('opens with WAL, NORMAL sync, foreign keys and 16 KiB pages; records its schema version', async () => {
    const path = join(freshDir(), 'qsync.db');
    const store = await openStore(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_size', { simple: true })).toBe(16384);
    expect(db.prepare(`SELECT value FROM qsync_meta WHERE key = 'schema_version'`).pluck().get()).toBe('1');
    db.close();
    const again = SqliteStore.open(path);
    expect(again.target).toBe(path);
    await again.close();
  });

  it('refuses an unwritable directory without creating anything', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits; the missing-directory and file-as-directory cases cover root.
      const err = await openStore('/proc/qsync-test/qsync.db').catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('cannot-open');
      return;
    }
    const dir = freshDir();
    chmodSync(dir, 0o555);
    try {
      const err = await openStore(join(dir, 'qsync.db')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toBe(
        `cannot open database ${join(dir, 'qsync.db')}: directory ${dir} is not writable`,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it("refuses another program's SQLite database and leaves it as it was", async () => {
    const path = join(freshDir(), 'other.db');
    const db = new Database(path);
    db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ann')`);
    db.close();
    const before = readFileSync(path);
    const err = await openStore(path).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('not-a-database');
    expect((err as StoreError).message).toBe(
      `${path} is a SQLite database of another program (no qsync_meta table); choose another file`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses database URLs it cannot open yet, naming them without passwords', async () => {
    const err = await openStore('mysql://admin:hunter2@db.example/qsync').catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('unsupported-target');
    expect((err as StoreError).message).toContain('mysql://admin:***@db.example/qsync');
    expect((err as StoreError).message).not.toContain('hunter2');
  });

  it('two processes on one file: a layout changed by one is seen by the other before it writes', async () => {
    const path = join(freshDir(), 'qsync.db');
    const a = await openStore(path);
    const b = await openStore(path);
    try {
      await a.saveSurvey({ id: 'SV_two', name: 'Two writers' });
      const columns = [
        { key: 'QID1', exportTag: 'Q1' },
        { key: 'QID2', exportTag: 'Q2' },
      ];
      const layoutA = await a.ensureLayout('SV_two', columns);
      const layoutB = await b.ensureLayout('SV_two', columns);
      expect(layoutB.columns.map((c) => c.sqlType)).toEqual([null, null]);
      // A adds q2 (first value) and widens q1 to text after B cached the layout.
      await a.transaction((tx) =>
        tx.upsertResponses('SV_two', layoutA, [
          { responseId: 'R_1', values: { QID1: 1, QID2: 'a' }, meta: {} },
          { responseId: 'R_2', values: { QID1: 'two' }, meta: {} },
        ]),
      );
      const result = await b.transaction((tx) =>
        tx.upsertResponses('SV_two', layoutB, [{ responseId: 'R_3', values: { QID1: 3, QID2: 'b' }, meta: {} }]),
      );
      expect(result).toMatchObject({ inserted: 1, widened: [], materialized: [] });
      expect((await a.getResponse('SV_two', 'R_3'))?.wide).toMatchObject({ q1: '3', q2: 'b' });
      expect((await b.getLayout('SV_two'))?.columns.map((c) => c.sqlType)).toEqual(['text', 'text']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a write lock held past the busy timeout is one clear "locked" error', async () => {
    const path = join(freshDir(), 'qsync.db');
    const a = await openStore(path);
    const b = await openStore(path, { busyTimeoutMs: 50 });
    try {
      await a.saveSurvey({ id: 'SV_lock', name: 'Lock' });
      const err = await a.transaction(async (tx) => {
        await tx.setSyncState('SV_lock', { continuationToken: 'held' });
        return b.saveSurvey({ id: 'SV_other', name: 'Other' }).catch((e: unknown) => e);
      });
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('locked');
      expect((err as StoreError).message).toBe(`database ${path} is locked by another process; try again later`);
      expect(await b.getSurvey('SV_other')).toBeNull();
      expect((await b.getSyncState('SV_lock'))?.continuationToken).toBe('held');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses metadata that is not a scalar, naming response and field, writing nothing', async () => {
    const store = await openStore(join(freshDir(), 'qsync.db'));
    try {
      await store.saveSurvey({ id: 'SV_m', name: 'Meta' });
      const layout = await store.ensureLayout('SV_m', [{ key: 'QID1', exportTag: 'Q1' }]);
      const bad = { responseId: 'R_bad', values: { QID1: 1 }, meta: { progress: { percent: 5 } as unknown as number } };
      const err = await store
        .transaction((tx) => tx.upsertResponses('SV_m', layout, [{ responseId: 'R_ok', values: {}, meta: {} }, bad]))
        .catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('invalid-input');
      expect((err as StoreError).message).toBe('response R_bad: meta.progress is not text, a number or a boolean');
      expect(await store.countResponses('SV_m')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('widening reals to text spells them as the writer does', async () => {
    const store = await openStore(join(freshDir(), 'qsync.db'));
    try {
      await store.saveSurvey({ id: 'SV_r', name: 'Reals' });
      const layout = await store.ensureLayout('SV_r', [{ key: 'x', exportTag: 'x' }]);
      const reals = [1e-7, 0.1 + 0.2, 5, 1e21, -2.5];
      const records = reals.map((x, i) => ({ responseId: `R_${i}`, values: { x }, meta: {} }));
      await store.transaction((tx) => tx.upsertResponses('SV_r', layout, records));
      await store.transaction((tx) => tx.upsertResponses('SV_r', layout, [{ responseId: 'R_t', values: { x: 'n/a' }, meta: {} }]));
      const back = await Promise.all(reals.map(async (_, i) => (await store.getResponse('SV_r', `R_${i}`))?.wide?.x));
      expect(back).toEqual(['1e-7', '0.30000000000000004', '5', '1e+21', '-2.5']);
    } finally {
      await store.close();
    }
  });

  it('keeps a user index on the wide table through a widening', async () => {
    const path = join(freshDir(), 'qsync.db');
    const store = await openStore(path);
    await store.saveSurvey({ id: 'SV_i', name: 'Indexed' });
    const layout = await store.ensureLayout('SV_i', [{ key: 'QID1', exportTag: 'Q1' }]);
    await store.transaction((tx) => tx.upsertResponses('SV_i', layout, [{ responseId: 'R_1', values: { QID1: 1 }, meta: {} }]));
    const db = new Database(path);
    db.exec(`CREATE INDEX my_q1 ON responses_indexed (q1); CREATE VIEW my_view AS SELECT q1 FROM responses_indexed`);
    await store.transaction((tx) =>
      tx.upsertResponses('SV_i', layout, [{ responseId: 'R_2', values: { QID1: 'two' }, meta: {} }]),
    );
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'my_q1'`).pluck().get()).toBe('my_q1');
    expect(db.prepare(`SELECT q1 FROM my_view ORDER BY q1`).pluck().all()).toEqual(['1', 'two']);
    db.close();
    await store.close();
  });
});
