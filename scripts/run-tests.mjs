#!/usr/bin/env node
// Runs the whole suite: type check, lint, then vitest. Ends with one plain line
// "N passed, N failed" (CI reads it) computed from vitest's JSON report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const bin = (name) => join('node_modules', '.bin', name);
const run = (cmd, argv) => spawnSync(cmd, argv, { stdio: 'inherit' }).status ?? 1;

let failedSteps = 0;
if (!args.length) {
  console.log('> tsc --noEmit');
  if (run(bin('tsc'), ['--noEmit']) !== 0) failedSteps++;
  console.log('> biome check');
  if (run(bin('biome'), ['check', 'src', 'test', 'scripts', 'bench']) !== 0) failedSteps++;
}
const dir = mkdtempSync(join(tmpdir(), 'qsync-test-'));
const report = join(dir, 'report.json');
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args]);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A file that fails to load counts as a failure even if it holds no test.
  failed += json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} catch {
  failed += 1;
}
rmSync(dir, { recursive: true, force: true });
failed += failedSteps;
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
