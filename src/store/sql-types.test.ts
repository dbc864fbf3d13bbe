import { describe, expect, it } from 'vitest';
import { addColumnSql, declaredType, planWidening, wideTableDdl } from './plan-widening.ts';
import { fitsType, inferType, isWidening, typeOfValue, widen } from './sql-types.ts';
import type { SqlType } from './types.ts';

const TYPES: SqlType[] = ['boolean', 'integer', 'real', 'timestamp', 'json', 'text'];

describe('typing values', () => {
  it('types each kind of value', () => {
    expect([true, 3, -(2 ** 53) + 1, 2 ** 53, 1.5, Number.NaN, '2024-01-01T00:00:00.000Z', '2024-01-01', 'x', [1], { a: 1 }, null].map(typeOfValue)).toEqual([
      'boolean',
      'integer',
      'integer',
      'real',
      'real',
      'text',
      'timestamp',
      'text',
      'text',
      'json',
      'json',
      null,
    ]);
  });

  it('infers the join of a set of values', () => {
    expect(inferType([null, 1, 2])).toBe('integer');
    expect(inferType([true, 1, 2.5])).toBe('real');
    expect(inferType([1, '2024-01-01T00:00:00Z'])).toBe('text');
    expect(inferType([[1], { a: 2 }])).toBe('json');
    expect(inferType([null, undefined])).toBeNull();
  });
});

describe('the widening lattice', () => {
  it('is a join: commutative, idempotent, associative, with null as bottom and text as top', () => {
    for (const a of TYPES) {
      expect(widen(a, a)).toBe(a);
      expect(widen(null, a)).toBe(a);
      expect(widen(a, 'text')).toBe('text');
      for (const b of TYPES) {
        expect(widen(a, b)).toBe(widen(b, a));
        for (const c of TYPES) expect(widen(widen(a, b), c)).toBe(widen(a, widen(b, c)));
      }
    }
  });

  it('widens only upward along the chains', () => {
    expect(widen('boolean', 'integer')).toBe('integer');
    expect(widen('integer', 'real')).toBe('real');
    expect(widen('timestamp', 'integer')).toBe('text');
    expect(widen('json', 'boolean')).toBe('text');
    expect(isWidening('integer', 'boolean')).toBe(false);
    expect(fitsType('real', 3)).toBe(true);
    expect(fitsType('integer', 'abc')).toBe(false);
    expect(fitsType('boolean', null)).toBe(true);
  });
});

describe('DDL planning', () => {
  const columns = [
    { sqlName: 'q1', sqlType: 'integer' as const },
    { sqlName: 'we"ird', sqlType: 'boolean' as const },
    { sqlName: 'd', sqlType: 'timestamp' as const },
  ];

  it('declares the wide table with quoted names in both dialects', () => {
    expect(wideTableDdl('postgres', 'responses_x', columns.slice(0, 1))).toBe(
      'CREATE TABLE "responses_x" ("response_id" text NOT NULL PRIMARY KEY, "synced_at" timestamptz NOT NULL, "deleted_at" timestamptz, "q1" bigint)',
    );
    expect(wideTableDdl('sqlite', 'responses_x', columns)).toBe(
      'CREATE TABLE "responses_x" ("row_id" INTEGER PRIMARY KEY, "response_id" TEXT NOT NULL, "synced_at" TEXT NOT NULL, "deleted_at" TEXT, "q1" INTEGER, "we""ird" BOOLEAN, "d" TIMESTAMP)',
    );
    expect(addColumnSql('postgres', 'responses_x', { sqlName: 'q9', sqlType: 'real' })).toBe(
      'ALTER TABLE "responses_x" ADD COLUMN "q9" double precision',
    );
    expect(TYPES.map((t) => declaredType('postgres', t))).toEqual(['boolean', 'bigint', 'double precision', 'timestamptz', 'jsonb', 'text']);
  });

  it('plans nothing when the observed types already fit', () => {
    expect(planWidening('sqlite', 't', columns, new Map([['q1', 'boolean']]))).toEqual({ changes: [], statements: [] });
  });

  it('PostgreSQL: one ALTER … TYPE … USING per widened column', () => {
    const plan = planWidening('postgres', 't', columns, new Map<string, SqlType>([['q1', 'text'], ['we"ird', 'real'], ['d', 'text']]));
    expect(plan.changes).toEqual([
      { sqlName: 'q1', from: 'integer', to: 'text' },
      { sqlName: 'we"ird', from: 'boolean', to: 'real' },
      { sqlName: 'd', from: 'timestamp', to: 'text' },
    ]);
    expect(plan.statements).toEqual([
      `ALTER TABLE "t" ALTER COLUMN "q1" TYPE text USING "q1"::text, ALTER COLUMN "we""ird" TYPE double precision USING "we""ird"::integer::double precision, ALTER COLUMN "d" TYPE text USING to_char("d" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    ]);
  });

  it('SQLite: rebuilds the table with the wider declared type, converting only the widened column', () => {
    const plan = planWidening('sqlite', 't', columns, new Map<string, SqlType>([['q1', 'text']]));
    expect(plan.statements[1]).toBe(
      'CREATE TABLE "qsync_widening" ("row_id" INTEGER PRIMARY KEY, "response_id" TEXT NOT NULL, "synced_at" TEXT NOT NULL, "deleted_at" TEXT, "q1" TEXT, "we""ird" BOOLEAN, "d" TIMESTAMP)',
    );
    expect(plan.statements[2]).toBe(
      'INSERT INTO "qsync_widening" ("row_id", "response_id", "synced_at", "deleted_at", "q1", "we""ird", "d") SELECT "row_id", "response_id", "synced_at", "deleted_at", CAST("q1" AS TEXT), "we""ird", "d" FROM "t"',
    );
    expect(plan.statements.slice(3)).toEqual([
      'DROP TABLE "t"',
      'PRAGMA legacy_alter_table = ON',
      'ALTER TABLE "qsync_widening" RENAME TO "t"',
      'PRAGMA legacy_alter_table = OFF',
    ]);
  });
});
