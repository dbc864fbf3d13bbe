import type { Writable } from 'node:stream';

/**
 * Where commands write and what they read from the process: injectable so tests can capture output. Data goes to
 * stdout, logs and progress to stderr (STYLE.md, CLI).
 */

/** A write-only text stream (process.stdout, process.stderr, or a test buffer). */
export interface TextOut {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** The process seen by a command. */
export interface CliIo {
  stdout: Writable & TextOut;
  stderr: TextOut;
  env: Record<string, string | undefined>;
}

/** The real process. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** One JSON document on its own line. */
export function writeJson(out: TextOut, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Bytes as a short human figure: 512 B, 12.3 kB, 4.6 MB (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds as seconds with one decimal: "1.6 s". */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}
