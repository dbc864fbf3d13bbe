import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { UsageError } from '../errors.ts';

/** `qsync init`: writes a commented starter config. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Write a commented starter config (qsync.config.yaml) to edit before running qsync sync')
    .option('--config <file>', 'where to write it (a .json name writes JSON)', 'qsync.config.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (flags) => {
      process.stdout.write(`${await writeStarterConfig(flags.config, flags.force ?? false, process.cwd())}\n`);
    });
}

/**
 * Writes the starter config to `file` (relative to `cwd`), mode 0600 since it may come to hold secrets. Refuses to
 * overwrite an existing file unless `force`. Returns the absolute path.
 */
export async function writeStarterConfig(file: string, force: boolean, cwd: string): Promise<string> {
  const { STARTER_CONFIG_JSON, STARTER_CONFIG_YAML } = await import('../../config/index.ts');
  const path = resolve(cwd, file);
  const text = /\.json$/i.test(path) ? STARTER_CONFIG_JSON : STARTER_CONFIG_YAML;
  try {
    writeFileSync(path, text, { flag: force ? 'w' : 'wx', mode: 0o600 });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists; edit it, or pass --force to replace it`);
    throw new UsageError(`cannot write ${path}: ${code ?? (err as Error).message}`);
  }
  process.stderr.write(`qsync: wrote ${path}; set QUALTRICS_DATA_CENTER and QUALTRICS_CLIENT_ID/SECRET (or QUALTRICS_API_TOKEN), then run qsync sync\n`);
  return path;
}
