/**
 * Reading a config file: YAML or JSON → `${ENV}` substitution → validation → defaults. Every problem is collected
 * and reported at once with its path (STYLE.md, changesets `config/src/parse.ts`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  CONFIG_DEFAULTS,
  CONFIG_FILE_NAMES,
  ConfigFileError,
  type ConfigFileIssue,
  type QsyncConfig,
  type SurveyConfig,
  type SurveyExportOptions,
} from './config.ts';
import { type EnvIssue, substituteEnv } from './env.ts';
import { ConfigSchema, type RawConfig } from './schema.ts';

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Config file; default: the first of `qsync.config.yaml`, `.yml`, `.json` found in `cwd`, else none. */
  path?: string | undefined;
  /** Directory to look in and to resolve relative paths against; default `process.cwd()`. */
  cwd?: string;
  /** Variables for `${NAME}`; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The config file `loadConfig` would read, or null when there is none (an explicit path is returned as given). */
export function findConfigFile(cwd: string = process.cwd()): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * Loads the config. With no file (none given, none found) the result holds the defaults: every survey, `qsync.db`,
 * connection from the `QUALTRICS_*` env. Throws `ConfigFileError` (exit code 2) listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): QsyncConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const path = options.path !== undefined ? resolve(cwd, options.path) : findConfigFile(cwd);
  if (path === null) return parseConfig('{}', { source: null, format: 'json', env });
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new ConfigFileError(path, [{ path: '', message: 'is a directory, not a file' }]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (err as Error).message})`;
    throw new ConfigFileError(path, [{ path: '', message: why }]);
  }
  const format = extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parseConfig(text, { source: path, format, env });
}

/** Parses config text. `source` names it in errors (and is kept in the result). */
export function parseConfig(
  text: string,
  opts: { source: string | null; format: 'json' | 'yaml'; env?: Readonly<Record<string, string | undefined>> },
): QsyncConfig {
  const document = opts.format === 'json' ? parseJson(text, opts.source) : parseYaml(text, opts.source);
  const envIssues: EnvIssue[] = [];
  const substituted = substituteEnv(document ?? {}, opts.env ?? process.env, envIssues);
  const issues: ConfigFileIssue[] = [...envIssues];
  if (typeof substituted !== 'object' || substituted === null || Array.isArray(substituted)) {
    throw new ConfigFileError(opts.source, [{ path: '', message: 'must be a mapping of settings (connection, surveys, …)' }]);
  }
  const parsed = ConfigSchema.safeParse(substituted);
  if (!parsed.success) issues.push(...parsed.error.issues.flatMap(describeIssue));
  issues.push(...duplicateSurveys((substituted as Record<string, unknown>)['surveys']));
  // A value whose variable was unset fails validation too; report the cause only.
  const reported = dedupe(issues);
  if (reported.length > 0 || !parsed.success) throw new ConfigFileError(opts.source, reported);
  return withDefaults(parsed.data, opts.source);
}

function parseJson(text: string, source: string | null): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '') || '{}');
  } catch (err) {
    throw new ConfigFileError(source, [{ path: '', message: `is not valid JSON (${(err as Error).message})` }]);
  }
}

function parseYaml(text: string, source: string | null): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return { path: pos ? `line ${pos.line}, column ${pos.col}` : '', message: `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` };
    });
    throw new ConfigFileError(source, issues);
  }
  return doc.toJS();
}

/** `surveys[1].timeZone` from zod's path; unknown keys are reported one by one. */
function describeIssue(issue: z.core.$ZodIssue): ConfigFileIssue[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known setting' }));
  }
  if (issue.code === 'invalid_union') {
    // Report the branch that got furthest (a survey entry's own fields), not a generic union failure.
    const deepest = issue.errors.reduce<readonly z.core.$ZodIssue[]>((a, b) => (depth(b) > depth(a) ? b : a), []);
    if (depth(deepest) > 0) return deepest.flatMap(describeIssue).map((i) => ({ ...i, path: prefix(path, i.path) }));
  }
  return [{ path, message: issue.message }];
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function prefix(outer: string, inner: string): string {
  if (!outer) return inner;
  if (!inner) return outer;
  return inner.startsWith('[') ? `${outer}${inner}` : `${outer}.${inner}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** A survey listed twice is a mistake whichever entry's options were meant (checked on the raw list). */
function duplicateSurveys(surveys: unknown): ConfigFileIssue[] {
  if (!Array.isArray(surveys)) return [];
  const issues: ConfigFileIssue[] = [];
  const seen = new Map<string, number>();
  surveys.forEach((entry: unknown, i) => {
    const id = typeof entry === 'string' ? entry : (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) issues.push({ path: `surveys[${i}]`, message: `${id} is listed twice (first at surveys[${first}])` });
    else seen.set(id, i);
  });
  return issues;
}

function dedupe(issues: ConfigFileIssue[]): ConfigFileIssue[] {
  const byPath = new Map<string, ConfigFileIssue>();
  for (const issue of issues) {
    const key = `${issue.path}\u0000${issue.message}`;
    if (!byPath.has(key)) byPath.set(key, issue);
  }
  const list = [...byPath.values()];
  // An env issue explains the validation failure at the same path: keep only the env issue there.
  const envPaths = new Set(list.filter((i) => i.message.startsWith('environment variable') || i.message.startsWith('malformed')).map((i) => i.path));
  return list.filter((i) => !envPaths.has(i.path) || i.message.startsWith('environment variable') || i.message.startsWith('malformed'));
}

function withDefaults(raw: RawConfig, source: string | null): QsyncConfig {
  const tables = { answers: raw.tables?.answers ?? false, inProgress: raw.tables?.inProgress ?? false };
  const defaults = { export: clean(raw.defaults ?? {}), ...tables };
  const surveys: QsyncConfig['surveys'] =
    raw.surveys === undefined || raw.surveys === 'all'
      ? 'all'
      : raw.surveys.map((entry): SurveyConfig => {
          if (typeof entry === 'string') return { id: entry, export: { ...defaults.export }, ...tables };
          const { id, answers, inProgress, ...options } = entry;
          return {
            id,
            export: { ...defaults.export, ...clean(options) },
            answers: answers ?? tables.answers,
            inProgress: inProgress ?? tables.inProgress,
          };
        });
  return {
    source,
    connection: { ...(raw.connection ?? {}) },
    db: raw.destination?.db ?? CONFIG_DEFAULTS.db,
    surveys,
    defaults,
    concurrency: raw.concurrency ?? CONFIG_DEFAULTS.concurrency,
    reconcileEvery: raw.reconcileEvery ?? CONFIG_DEFAULTS.reconcileEvery,
    batchSize: raw.sync?.batchSize ?? CONFIG_DEFAULTS.batchSize,
    overlapHours: raw.sync?.overlapHours ?? CONFIG_DEFAULTS.overlapHours,
    tmpDir: raw.sync?.tmpDir ?? null,
  };
}

/** Drops absent options so that spreading never overwrites a default with undefined. */
function clean(options: SurveyExportOptions): SurveyExportOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SurveyExportOptions;
}
