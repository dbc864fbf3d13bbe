import cliProgress from 'cli-progress';
import type { ExportProgressEvent } from '../export/index.ts';
import { formatBytes } from './io.ts';

/** Receives export progress; `stop()` clears the display. */
export interface ProgressDisplay {
  update(event: ExportProgressEvent): void;
  stop(): void;
}

const NONE: ProgressDisplay = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar on stderr when it is a terminal (cli-progress), nothing otherwise: piped and logged runs get a
 * clean stream. Polling shows `percentComplete`; downloading and unzipping show bytes; parsing shows rows.
 */
export function progressDisplay(stderr: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined): ProgressDisplay {
  if (!stderr?.isTTY) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr,
      format: '{phase} |{bar}| {detail}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const show = (value: number, total: number, phase: string, detail: string) => {
    if (!started) {
      bar.start(total, value, { phase, detail });
      started = true;
      return;
    }
    bar.setTotal(total);
    bar.update(value, { phase, detail });
  };
  return {
    update(event) {
      switch (event.phase) {
        case 'starting':
          show(0, 100, 'starting   ', `survey ${event.surveyId}`);
          break;
        case 'polling':
          show(event.percentComplete, 100, 'exporting  ', `${event.percentComplete}%`);
          break;
        case 'downloading':
          show(1, 1, 'downloading', `${formatBytes(event.bytes)}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
          break;
        case 'verifying':
          show(1, 1, 'verifying  ', formatBytes(event.bytes));
          break;
        case 'unzipping':
          show(1, 1, 'unzipping  ', formatBytes(event.bytes));
          break;
        case 'parsing':
          show(1, 1, 'parsing    ', `${event.rows.toLocaleString('en-US')} rows`);
          break;
        case 'done':
          break;
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
