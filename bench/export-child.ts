/**
 * One qsync export parsed to records, run as its own process by the export benchmark so that its peak memory is
 * qsync's alone: `node --import tsx bench/export-child.ts <surveyId> <format>` with QUALTRICS_BASE_URL and
 * QUALTRICS_API_TOKEN set. Prints one JSON line of figures; times are ms.
 */
import { QualtricsClient } from '../src/client/index.ts';
import { exportRecords } from '../src/export/index.ts';
import { procMemoryMb } from './sim-child.ts';

const [surveyId, format = 'csv'] = process.argv.slice(2);
if (!surveyId) throw new Error('usage: export-child.ts <surveyId> [format]');
const client = new QualtricsClient({ tokenCache: false });
const t0 = performance.now();
let downloadStart = 0;
const opened = await exportRecords(client, { surveyId, params: { format: format as 'csv' } }, {
  onCompleted: () => {
    downloadStart = performance.now();
  },
});
const downloaded = performance.now();
let rows = 0;
let cells = 0;
for await (const record of opened.records()) {
  rows++;
  if (rows === 1) cells = Object.keys(record.values).length;
}
const done = performance.now();
process.stdout.write(
  `${JSON.stringify({
    rows,
    columns: cells,
    zipBytes: opened.bytes,
    totalMs: Math.round(done - t0),
    jobMs: Math.round(downloadStart - t0),
    downloadMs: Math.round(downloaded - downloadStart),
    parseMs: Math.round(done - downloaded),
    peakRssMb: procMemoryMb('self', 'VmHWM'),
  })}\n`,
);
