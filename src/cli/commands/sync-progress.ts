/**
 * Per-survey progress bars on stderr, shown only when stderr is a terminal (never in pipes, logs or `--json`).
 */
import cliProgress from 'cli-progress';
import type { SyncProgressEvent } from '../../sync/index.ts';

/** Receives engine progress; `stop()` clears the bars before the summary is printed. */
export interface ProgressView {
  update(event: SyncProgressEvent): void;
  stop(): void;
}

const none: ProgressView = { update() {}, stop() {} };

/** Bars for these surveys when `enabled` (a TTY and not `--json`), else a view that does nothing. */
export function createProgressView(surveys: ReadonlyArray<{ surveyId: string; expected?: number | null }>, enabled: boolean): ProgressView {
  if (!enabled || surveys.length === 0) return none;
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: ' {survey} |{bar}| {phase} {detail}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; expected: number | null }>();
  for (const s of surveys) {
    bars.set(s.surveyId, {
      bar: multi.create(100, 0, { survey: s.surveyId, phase: 'waiting', detail: '' }),
      expected: s.expected && s.expected > 0 ? s.expected : null,
    });
  }
  return {
    update(event) {
      const entry = bars.get(event.surveyId);
      if (!entry) return;
      const { value, detail } = describe(event, entry.expected);
      entry.bar.update(value, { phase: event.phase, detail });
    },
    stop() {
      multi.stop();
    },
  };
}

function describe(event: SyncProgressEvent, expected: number | null): { value: number; detail: string } {
  switch (event.phase) {
    case 'exporting':
      return { value: Math.min(100, event.percent ?? 0) * 0.3, detail: `${Math.round(event.percent ?? 0)}%` };
    case 'downloading':
      return { value: 30, detail: `${((event.bytes ?? 0) / 1e6).toFixed(1)} MB` };
    case 'loading': {
      const rows = event.rows ?? 0;
      const share = expected ? Math.min(1, rows / expected) : 0;
      return { value: 30 + share * 60, detail: `${rows.toLocaleString('en-US')} responses` };
    }
    case 'in-progress':
    case 'reconciling':
      return { value: 90, detail: event.rows ? `${event.rows.toLocaleString('en-US')} ids` : '' };
    default:
      return { value: 100, detail: event.rows !== undefined ? `${event.rows.toLocaleString('en-US')} responses` : '' };
  }
}
