import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import type { ExportOptions, SimSurvey, SimWorld } from '../../../src/sim/contract.ts';
import { buildExport, defaultExportOptions } from '../../../src/sim/export/index.ts';
import { createFixedClock, createWorld } from '../../../src/sim/world/index.ts';

/** The fixed start of the simulated clock in these tests: 2025-01-15 12:00:00 UTC. */
export const T0 = Date.UTC(2025, 0, 15, 12);

export function makeWorld(seed = 42, responsesPerSurvey = 40, surveys = 3): SimWorld {
  return createWorld({ seed, surveys, responsesPerSurvey, clock: createFixedClock(T0) });
}

/** Survey `i` of the world (0 customer experience, 1 employee pulse with loop/SBS/duplicate tag, 2 website). */
export function surveyAt(world: SimWorld, i: number): SimSurvey {
  return world.surveys()[i]!;
}

export async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

/** The bytes of an uncompressed export of survey `i` with `overrides` on top of the defaults. */
export async function exportBytes(world: SimWorld, i: number, overrides: Partial<ExportOptions> = {}): Promise<Buffer> {
  const options = defaultExportOptions({ compress: false, asOf: world.clock.now(), ...overrides });
  return drain(buildExport(world, surveyAt(world, i).id, options).open());
}

/** An uncompressed csv export parsed into rows of fields (header rows included). */
export async function exportCsv(world: SimWorld, i: number, overrides: Partial<ExportOptions> = {}): Promise<string[][]> {
  return parseCsv((await exportBytes(world, i, { format: 'csv', ...overrides })).toString('utf8'));
}

export function parseCsv(text: string, delimiter = ','): string[][] {
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: '\r\n', skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`csv parse errors: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  return parsed.data;
}

/** Column index by ImportId JSON in header row 3 (headers may repeat; ImportIds do not). */
export function columnOf(rows: string[][], importId: Record<string, string | boolean>): number {
  const want = JSON.stringify(importId);
  const i = rows[2]!.indexOf(want);
  if (i < 0) throw new Error(`no column ${want}`);
  return i;
}

/** A file under test/fixtures/real/. */
export function fixture(path: string): Buffer {
  return readFileSync(resolve(import.meta.dirname, '../../fixtures/real', path));
}

export const BESKAR = 'ropensci__qualtRics/tests__fixtures__fetch_survey.yml.r08_GET_200.zip__Beskar Armor.csv';
export const SALAMI = 'ropensci__qualtRics/tests__fixtures__extract_colmap.yml.r12_GET_200.zip__Cats Can Have a Little Salami.csv';
export const RAVEN = 'drsimonj__qualtricsr/inst__extdata__raven.tsv';
