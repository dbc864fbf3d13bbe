/**
 * The store contract: one suite every `Store` implementation runs unchanged (SQLite: test/store/sqlite.test.ts;
 * PostgreSQL: test/store/postgres.test.ts). Implementations supply a factory that opens a store on a fresh, empty
 * database and a few raw hooks for what the interface deliberately does not expose (table names, forcing a schema
 * version, a fingerprint of everything stored).
 */
import { afterEach, describe } from 'vitest';
import type { Store, StoreErrorCode } from '../../src/store/index.ts';
import { lifecycleContract } from './contract-lifecycle.ts';
import { schemaContract } from './contract-schema.ts';
import { inheritedKeysContract } from './contract-inherited-keys.ts';
import { versionsContract } from './contract-versions.ts';
import { writesContract } from './contract-writes.ts';

/** A store on a database of its own, with raw access for assertions. */
export interface StoreUnderTest {
  store: Store;
  /** Opens the same database again (call after `store.close()`); rejects as `openStore` would. */
  reopen(): Promise<Store>;
  /** Names of the tables in the store's database (or schema), any order. */
  tableNames(): Promise<string[]>;
  /** Writes `schema_version = version` into `qsync_meta` with a raw connection (a newer qsync wrote it). */
  setSchemaVersion(version: number): Promise<void>;
  /** A deterministic dump of every table's definition and rows: equal strings mean nothing changed. */
  fingerprint(): Promise<string>;
  /** Closes whatever is open and removes the database. */
  dispose(): Promise<void>;
}

/** Options the contract passes to the factory. */
export interface StoreFactoryOptions {
  /** The store's clock (for `synced_at`, `deleted_at`, run times). */
  clock?: () => Date;
}

/** Opens a store on a fresh, empty database; every call gets a new database. */
export type StoreFactory = (options?: StoreFactoryOptions) => Promise<StoreUnderTest>;

/** An implementation-specific target that must fail to open, leaving nothing behind. */
export interface UnusableTarget {
  /** What the case is, e.g. "a directory that does not exist". */
  name: string;
  /** Returns a fresh target (path or URL) for the case. */
  target(): Promise<string>;
  code: StoreErrorCode;
  /** Text the one-line message must contain (e.g. the path). */
  mentions(target: string): string;
  /** True when the failed open left nothing behind. */
  untouched(target: string): Promise<boolean>;
}

/** Everything a contract part needs: a way to get a store, cleaned up after each test. */
export interface ContractContext {
  kind: Store['kind'];
  open(options?: StoreFactoryOptions): Promise<StoreUnderTest>;
  openTarget: (target: string) => Promise<Store>;
  unusable: readonly UnusableTarget[];
}

/**
 * Declares the contract tests for one implementation. `openTarget` opens a raw target (normally `openStore`),
 * used with `unusable` targets.
 */
export function describeStoreContract(
  name: string,
  factory: StoreFactory,
  extras: { kind: Store['kind']; openTarget: (target: string) => Promise<Store>; unusable?: UnusableTarget[] },
): void {
  describe(`store contract: ${name}`, () => {
    const opened: StoreUnderTest[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.dispose();
    });
    const ctx: ContractContext = {
      kind: extras.kind,
      open: async (options) => {
        const s = await factory(options);
        opened.push(s);
        return s;
      },
      openTarget: extras.openTarget,
      unusable: extras.unusable ?? [],
    };
    schemaContract(ctx);
    writesContract(ctx);
    inheritedKeysContract(ctx);
    versionsContract(ctx);
    lifecycleContract(ctx);
  });
}
