/**
 * Export parser benchmark: `benchParse(path)` reads every record of an export through `openExport` and reports
 * rows, time, throughput and peak memory; `writeSyntheticCsv(path, megabytes)` and `writeSyntheticJson` make
 * exports of a given size to read. Run alone: `node --import tsx bench/parse.ts <export> | --generate <file> <MB>`.
 */

import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { openExport } from '../src/formats/index.ts';

/** Figures of one parse. */
export interface ParseFigures {
  rows: number;
  ms: number;
  mbPerSec: number;
  peakRssMb: number;
  /** Highest `heapUsed` seen while parsing, sampled every 1,000 records, in MB. */
  peakHeapMb: number;
}

const MB = 1024 * 1024;

/** Parses the whole export at `path` (any format `openExport` reads) and measures it. */
export async function benchParse(path: string): Promise<ParseFigures> {
  const bytes = statSync(path).size;
  const start = performance.now();
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const file = await openExport(path);
  let rows = 0;
  for await (const _ of file.records()) {
    if (++rows % 1000 === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
  }
  await file.close();
  const ms = performance.now() - start;
  return {
    rows,
    ms: Math.round(ms),
    mbPerSec: Math.round((bytes / MB / (ms / 1000)) * 10) / 10,
    peakRssMb: Math.round(Math.max(peakRss, process.memoryUsage.rss()) / MB),
    peakHeapMb: Math.round(peakHeap / MB),
  };
}

const HEADER = [
  ['StartDate', 'EndDate', 'Status', 'IPAddress', 'Progress', 'Duration (in seconds)', 'Finished', 'RecordedDate', 'ResponseId', 'LocationLatitude', 'LocationLongitude', 'Q1', 'Q2_1', 'Q2_2', 'Q3', 'Q4'],
  ['Start Date', 'End Date', 'Response Type', 'IP Address', 'Progress', 'Duration (in seconds)', 'Finished', 'Recorded Date', 'Response ID', 'Location Latitude', 'Location Longitude', 'Pick one', 'Pick many - A', 'Pick many - B', 'Rate', 'Tell us more'],
  ['{"ImportId":"startDate","timeZone":"America/Denver"}', '{"ImportId":"endDate","timeZone":"America/Denver"}', '{"ImportId":"status"}', '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}', '{"ImportId":"duration"}', '{"ImportId":"finished"}', '{"ImportId":"recordedDate","timeZone":"America/Denver"}', '{"ImportId":"_recordId"}', '{"ImportId":"locationLatitude"}', '{"ImportId":"locationLongitude"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2","choiceId":"1"}', '{"ImportId":"QID2","choiceId":"2"}', '{"ImportId":"QID3"}', '{"ImportId":"QID4_TEXT"}'],
];

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** One synthetic data row (CRLF), with a multi-line quoted answer every seventh row. */
function syntheticRow(i: number): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const time = `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`;
  const comment = i % 7 === 0 ? `Line one of ${i}\nline "two", with commas\n🐈` : `Answer number ${i} with some words in it`;
  const cells = [
    `2024-03-${day} ${time}`,
    `2024-03-${day} ${time}`,
    i % 50 === 0 ? 'Survey Preview' : 'IP Address',
    `192.0.2.${i % 250}`,
    '100',
    String(30 + (i % 900)),
    'True',
    `2024-03-${day} ${time}`,
    `R_${i.toString(36).padStart(15, '0')}`,
    '40.7512969970703125',
    '-73.88300323486328125',
    String(1 + (i % 5)),
    i % 2 ? '1' : '',
    i % 3 ? '1' : '',
    String(i % 11),
    comment,
  ];
  return `${cells.map(quote).join(',')}\r\n`;
}

/** Writes a current-dialect CSV export of about `megabytes` MB to `path` (streamed); returns its data row count. */
export async function writeSyntheticCsv(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let rows = 0;
  let buffer = HEADER.map((r) => `${r.map(quote).join(',')}\r\n`).join('');
  while (written + buffer.length < megabytes * MB) {
    buffer += syntheticRow(rows++);
    if (buffer.length >= 256 * 1024) {
      written += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return rows;
}

/** One synthetic JSON-export response (the `{responseId, values, labels, …}` shape of FACTS.md §5.5). */
function syntheticResponse(i: number): string {
  const id = `R_${i.toString(36).padStart(15, '0')}`;
  const comment = i % 7 === 0 ? `Line one of ${i}\nline "two" 🐈` : `Answer number ${i} with some words in it`;
  return JSON.stringify({
    responseId: id,
    values: {
      startDate: '2024-03-10T09:30:00Z',
      endDate: '2024-03-10T09:40:00Z',
      status: i % 50 === 0 ? 1 : 0,
      progress: 100,
      duration: 30 + (i % 900),
      finished: 1,
      recordedDate: '2024-03-10T09:40:00.123Z',
      _recordId: id,
      locationLatitude: '40.7512969970703125',
      QID1: 1 + (i % 5),
      QID1_DO: [1, 2, 3, 4, 5],
      QID2: [1, 3],
      QID4_TEXT: comment,
    },
    labels: { status: i % 50 === 0 ? 'Survey Preview' : 'IP Address', finished: 'True' },
    displayedFields: ['QID1', 'QID2', 'QID4_TEXT'],
    displayedValues: { QID1: [1, 2, 3, 4, 5] },
  });
}

/** Writes a `{"responses":[…]}` JSON export of about `megabytes` MB to `path` (streamed); returns its response count. */
export async function writeSyntheticJson(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let rows = 0;
  let buffer = '{"responses":[';
  while (written + buffer.length < megabytes * MB) {
    buffer += (rows ? ',' : '') + syntheticResponse(rows++);
    if (buffer.length >= 256 * 1024) {
      written += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(`${buffer}]}`);
  await once(out, 'finish');
  return rows;
}

if (import.meta.filename === process.argv[1]) {
  const [first, second, third] = process.argv.slice(2);
  if (first === '--generate' && second) {
    process.stdout.write(`${JSON.stringify({ rows: await writeSyntheticCsv(second, Number(third ?? 100)) })}\n`);
  } else if (first) {
    process.stdout.write(`${JSON.stringify(await benchParse(first))}\n`);
  } else {
    process.stderr.write('usage: node --import tsx bench/parse.ts <export> | --generate <file> <MB>\n');
    process.exitCode = 2;
  }
}
