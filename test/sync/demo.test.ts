import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('qsync-demo-');
afterAll(() => dir.remove());

describe('qsync demo (npm start)', () => {
  it('full sync, changes in the simulator, an incremental sync that moves only those, and a sample query', async () => {
    const db = join(dir.dir, 'qsync-demo.db');
    let out = '';
    const code = await runDemo({ db, surveys: 3, responses: 120, out: (t) => void (out += t) });
    expect(code).toBe(0);
    expect(out).toContain('1. Full sync');
    expect(out).toContain('3 surveys into');
    expect(out).toContain(': 360 inserted, 0 updated, 0 deleted, 0 unchanged; 0 failed');
    // The changes of step 2: 40 + 25 added, 15 + 12 edited (some may also be deleted), 5 + 3 deleted.
    expect(out).toMatch(/2\. Meanwhile in Qualtrics[\s\S]*40 added, 15 edited, 5 deleted/);
    const incremental = out.slice(out.indexOf('3. Incremental sync'));
    expect(incremental).toMatch(/: 65 inserted, \d+ updated, 8 deleted, 0 unchanged; 0 failed/);
    expect(out).toContain('4. Sample query over the responses table');
    expect(existsSync(`${db}-wal`)).toBe(false);
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare(`SELECT count(*) FROM responses WHERE deleted_at IS NULL`).pluck().get()).toBe(360 + 65 - 8);
    } finally {
      conn.close();
    }
  });
});
