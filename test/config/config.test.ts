import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigFileError,
  findConfigFile,
  loadConfig,
  parseConfig,
  STARTER_CONFIG_JSON,
  STARTER_CONFIG_YAML,
  substituteString,
} from '../../src/config/index.ts';

const yaml = (text: string, env: Record<string, string> = {}) => parseConfig(text, { source: 'qsync.config.yaml', format: 'yaml', env });

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return (err as ConfigFileError).issues;
  }
  throw new Error('expected a ConfigFileError');
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'qsync-config-'));
  dirs.push(d);
  return d;
}

describe('config defaults and values', () => {
  it('an empty document means every survey, qsync.db, 4 at once, reconcile every 10 runs', () => {
    expect(yaml('')).toEqual({
      source: 'qsync.config.yaml',
      connection: {},
      db: 'qsync.db',
      surveys: 'all',
      defaults: { export: {}, answers: false, inProgress: false },
      concurrency: 4,
      reconcileEvery: 10,
      batchSize: 50_000,
      overlapHours: 24,
      tmpDir: null,
    });
  });

  it('survey entries take the defaults, the tables settings, and their own options', () => {
    const config = yaml(`
surveys:
  - SV_1234567890abcde
  - id: SV_abcdefghijklmno
    useLabels: true
    questionIds: [QID1, QID22]
    timeZone: Europe/Berlin
    answers: false
    inProgress: true
defaults:
  useLabels: false
  embeddedDataIds: [segment]
tables: { answers: true }
destination: { db: data/q.db }
concurrency: 2
reconcileEvery: 0
sync: { batchSize: 1000, overlapHours: 2.5, tmpDir: /var/tmp }
`);
    expect(config.surveys).toEqual([
      { id: 'SV_1234567890abcde', export: { useLabels: false, embeddedDataIds: ['segment'] }, answers: true, inProgress: false },
      {
        id: 'SV_abcdefghijklmno',
        export: { useLabels: true, embeddedDataIds: ['segment'], questionIds: ['QID1', 'QID22'], timeZone: 'Europe/Berlin' },
        answers: false,
        inProgress: true,
      },
    ]);
    expect(config).toMatchObject({ db: 'data/q.db', concurrency: 2, reconcileEvery: 0, batchSize: 1000, overlapHours: 2.5, tmpDir: '/var/tmp' });
  });

  it('JSON works the same', () => {
    const config = parseConfig('{"surveys":["SV_1234567890abcde"],"concurrency":3}', { source: 'q.json', format: 'json', env: {} });
    expect(config.concurrency).toBe(3);
    expect(config.surveys).toHaveLength(1);
  });
});

describe('environment variable substitution', () => {
  it('replaces variables in any string, with defaults and $$ escapes, and reads numbers and booleans from text', () => {
    const config = yaml(
      `
connection:
  baseUrl: http://127.0.0.1:\${PORT}
  apiToken: \${TOKEN}
  dataCenter: \${DC:-iad1}
  clientId: \${EMPTY:-}
destination: { db: "\${HOME_DIR}/cost$$.db" }
concurrency: \${CONCURRENCY}
tables: { answers: "\${ANSWERS}" }
`,
      { PORT: '8080', TOKEN: 'tok$en{}', HOME_DIR: '/srv', CONCURRENCY: '6', ANSWERS: 'true', EMPTY: '' },
    );
    expect(config.connection).toEqual({ baseUrl: 'http://127.0.0.1:8080', apiToken: 'tok$en{}', dataCenter: 'iad1' });
    expect(config.db).toBe('/srv/cost$.db');
    expect(config.concurrency).toBe(6);
    expect(config.defaults.answers).toBe(true);
  });

  it('reports every unset variable with its path, never a value', () => {
    const issues = issuesOf(() => yaml(`connection:\n  clientSecret: \${SECRET}\n  clientId: \${ID}\nsurveys: [{ id: "\${SV}" }]`, { OTHER: 'hunter2' }));
    expect(issues).toEqual([
      { path: 'connection.clientSecret', message: 'environment variable SECRET is not set' },
      { path: 'connection.clientId', message: 'environment variable ID is not set' },
      { path: 'surveys[0].id', message: 'environment variable SV is not set' },
    ]);
  });

  it('substituteString reports malformed references', () => {
    const issues: Array<{ path: string; message: string }> = [];
    expect(substituteString(`a \${B`, {}, 'x', issues)).toBeUndefined();
    expect(issues[0]?.message).toContain('malformed reference');
  });
});

describe('every problem at once, each with its path', () => {
  it('collects unknown keys, bad values, bad survey entries and duplicates in one error', () => {
    let error: ConfigFileError | undefined;
    try {
      yaml(`
concurency: 3
concurrency: 99
surveys:
  - SV_bad
  - { id: SV_1234567890abcde, timeZone: Mars/Olympus, colour: blue }
  - SV_1234567890abcde
connection: { rateShare: 2 }
sync: { batchSize: 5 }
`);
    } catch (err) {
      error = err as ConfigFileError;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error?.exitCode).toBe(2);
    expect(error?.name).toBe('ConfigError');
    const paths = error!.issues.map((i) => i.path).sort();
    expect(paths).toEqual(
      ['concurency', 'concurrency', 'connection.rateShare', 'surveys[0]', 'surveys[1].colour', 'surveys[1].timeZone', 'surveys[2]', 'sync.batchSize'].sort(),
    );
    expect(error!.message.split('\n')).toHaveLength(1);
    expect(error!.message).toContain('invalid config qsync.config.yaml: 8 problems:');
    expect(error!.message).toContain('surveys[2]: SV_1234567890abcde is listed twice (first at surveys[1])');
    expect(error!.message).toContain('concurency: is not a known setting');
  });

  it('names the line of a YAML syntax error, and refuses duplicate keys', () => {
    expect(issuesOf(() => yaml('surveys: [SV_1234567890abcde\nconcurrency: 2'))[0]?.path).toMatch(/^line \d+, column \d+$/);
    expect(issuesOf(() => yaml('concurrency: 1\nconcurrency: 2'))[0]?.message).toContain('unique');
  });

  it('refuses a document that is not a mapping, and invalid JSON', () => {
    expect(issuesOf(() => yaml('- 1\n- 2'))[0]?.message).toContain('must be a mapping');
    expect(issuesOf(() => parseConfig('{"a":', { source: 'q.json', format: 'json', env: {} }))[0]?.message).toContain('not valid JSON');
  });
});

describe('config files', () => {
  it('the starter configs parse as written', () => {
    const y = yaml(STARTER_CONFIG_YAML);
    expect(y.surveys).toBe('all');
    expect(y.connection).toEqual({});
    const j = parseConfig(STARTER_CONFIG_JSON, { source: 'q.json', format: 'json', env: { QUALTRICS_DATA_CENTER: 'fra1' } });
    expect(j.connection).toEqual({ dataCenter: 'fra1' });
    expect(STARTER_CONFIG_YAML).toContain(`\${QUALTRICS_CLIENT_SECRET`);
  });

  it('finds qsync.config.yaml, .yml or .json in the directory, and loads it', () => {
    const dir = tmp();
    expect(findConfigFile(dir)).toBeNull();
    expect(loadConfig({ cwd: dir, env: {} }).source).toBeNull();
    writeFileSync(join(dir, 'qsync.config.json'), '{"concurrency": 7}');
    expect(loadConfig({ cwd: dir, env: {} })).toMatchObject({ source: join(dir, 'qsync.config.json'), concurrency: 7 });
    writeFileSync(join(dir, 'qsync.config.yaml'), 'concurrency: 5\n');
    expect(loadConfig({ cwd: dir, env: {} }).concurrency).toBe(5);
    expect(loadConfig({ cwd: dir, path: 'qsync.config.json', env: {} }).concurrency).toBe(7);
  });

  it('a missing or unreadable file given explicitly is one clear error', () => {
    const dir = tmp();
    expect(() => loadConfig({ cwd: dir, path: 'nope.yaml', env: {} })).toThrow(`invalid config ${join(dir, 'nope.yaml')}: file not found`);
    mkdirSync(join(dir, 'folder.yaml'));
    expect(() => loadConfig({ cwd: dir, path: 'folder.yaml', env: {} })).toThrow('is a directory');
  });
});
