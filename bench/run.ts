/**
 * Benchmark runner (`npm run bench [-- name-filter …]`). Each case in bench/cases.ts returns rows of figures; the
 * runner writes them to bench/results/latest.json and bench/results/latest.md (and a dated copy of each).
 * Benchmarks are measurements, never pass/fail tests; a case may state its goal beside its figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cases } from './cases.ts';

export interface BenchRow {
  /** What was measured, e.g. "qsync export csv 1,000,000 rows". */
  label: string;
  /** Figures keyed by name with units in the name, e.g. { ms: 1234, rowsPerSec: 81000, peakRssMb: 120 }. */
  figures: Record<string, number | string>;
}

export interface BenchCase {
  name: string;
  /** Goal from the issue, printed beside the figures. */
  goal: string;
  run(): Promise<BenchRow[]>;
}

const filters = process.argv.slice(2);
const selected = cases.filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
const results: Array<{ name: string; goal: string; rows: BenchRow[]; error?: string }> = [];
for (const c of selected) {
  process.stderr.write(`bench: ${c.name} …\n`);
  try {
    const rows = await c.run();
    results.push({ name: c.name, goal: c.goal, rows });
    for (const r of rows) process.stderr.write(`  ${r.label}: ${JSON.stringify(r.figures)}\n`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results.push({ name: c.name, goal: c.goal, rows: [], error: message });
    process.stderr.write(`  failed: ${message}\n`);
  }
}

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: (await import('node:os')).cpus().length,
};
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
// latest.* keeps the newest figures of every case: a filtered run replaces only the cases it ran.
const latestPath = join(dir, 'latest.json');
const previous: typeof results = existsSync(latestPath) ? JSON.parse(readFileSync(latestPath, 'utf8')).results : [];
const merged = [...previous.filter((p) => !results.some((r) => r.name === p.name)), ...results];
const json = JSON.stringify({ meta, results: merged }, null, 2);
const md = toMarkdown(meta, merged);
const stamp = meta.date.slice(0, 19).replace(/[:T]/g, '-');
writeFileSync(latestPath, json);
writeFileSync(join(dir, 'latest.md'), md);
writeFileSync(join(dir, `${stamp}.json`), JSON.stringify({ meta, results }, null, 2));
writeFileSync(join(dir, `${stamp}.md`), toMarkdown(meta, results));
process.stdout.write(toMarkdown(meta, results));
process.exitCode = results.some((r) => r.error) ? 1 : 0;

function toMarkdown(m: typeof meta, rs: typeof results): string {
  const lines = [`# qsync benchmarks`, '', `${m.date} · Node ${m.node} · ${m.platform} · ${m.cpus} cores`, ''];
  for (const r of rs) {
    lines.push(`## ${r.name}`, '', `Goal: ${r.goal}`, '');
    if (r.error) lines.push(`**Failed:** ${r.error}`, '');
    const keys = [...new Set(r.rows.flatMap((row) => Object.keys(row.figures)))];
    if (r.rows.length) {
      lines.push(`| case | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
      for (const row of r.rows) lines.push(`| ${row.label} | ${keys.map((k) => fmt(row.figures[k])).join(' | ')} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

function fmt(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
  return v;
}
