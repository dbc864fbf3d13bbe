import type { SimWorld } from '../src/sim/contract.ts';
import { buildExport, defaultExportOptions } from '../src/sim/export/index.ts';
import { createFixedClock, createWorld } from '../src/sim/world/index.ts';

/** What one run of the simulator's csv export measured. */
export interface SimExportBench {
  /** Wall time to build and drain the export, in milliseconds. */
  ms: number;
  /** Bytes of the (uncompressed) csv file. */
  bytes: number;
  /** Highest resident set size seen while draining, in MiB (sampled every 50 ms and at the end). */
  peakRssMb: number;
}

/**
 * Builds and drains, in process, an uncompressed csv export of one generated survey with `responses` completed
 * responses and 50 columns (template 0: metadata, every question family, embedded data). Nothing is written to
 * disk: the point is generation and serialisation speed, and that memory stays flat as `responses` grows.
 */
export async function benchSimExport(responses: number): Promise<SimExportBench> {
  const clock = createFixedClock(Date.UTC(2025, 0, 15, 12));
  const world: SimWorld = createWorld({ seed: 7, surveys: 1, responsesPerSurvey: responses, clock });
  const survey = world.surveys()[0]!;
  const file = buildExport(world, survey.id, defaultExportOptions({ format: 'csv', compress: false, asOf: clock.now() }));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  let bytes = 0;
  try {
    for await (const chunk of file.open()) {
      bytes += (chunk as Buffer).length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  return { ms: Math.round(ms), bytes, peakRssMb: Math.round((Math.max(peak, process.memoryUsage().rss) / 2 ** 20) * 10) / 10 };
}
