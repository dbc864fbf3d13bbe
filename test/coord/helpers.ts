/**
 * Shared pieces of the coordination tests: a database prepared the way a worker prepares it (the store migrates the
 * schema, then the coordination tables are added) and connections to it.
 */
import { type CoordDb, coordTarget, ensureCoordSchema, openCoordConnection } from '../../src/coord/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { PostgresServer } from '../support/postgres.ts';

/** A fresh database with qsync's and the coordination tables; returns its URL. */
export async function prepareDatabase(server: PostgresServer, prefix: string): Promise<string> {
  const url = await server.createDatabase(prefix);
  const store = await openStore(url);
  await store.close();
  const db = await openCoordConnection(coordTarget(url));
  try {
    await ensureCoordSchema(db);
  } finally {
    await db.end();
  }
  return url;
}

/** Opens `n` coordination connections to `url`; `closeAll` ends them. */
export async function connections(url: string, n: number): Promise<{ dbs: CoordDb[]; closeAll: () => Promise<void> }> {
  const dbs = await Promise.all(Array.from({ length: n }, () => openCoordConnection(coordTarget(url))));
  return { dbs, closeAll: async () => void (await Promise.all(dbs.map((d) => d.end().catch(() => undefined)))) };
}
