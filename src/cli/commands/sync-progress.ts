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
  const bars = new Map<string, { bar: cliProgress.SingleBar; line: ProgressLine }>();
  for (const s of surveys) {
    bars.set(s.surveyId, {
      bar: multi.create(100, 0, { survey: s.surveyId, phase: 'waiting', detail: '' }),
      line: new ProgressLine(s.expected && s.expected > 0 ? s.expected : null),
    });
  }
  return {
    update(event) {
      const entry = bars.get(event.surveyId);
      if (!entry) return;
      const { value, phase, detail } = entry.line.update(event);
      entry.bar.update(value, { phase, detail });
    },
    stop() {
      multi.stop();
    },
  };
}

/** What one survey's bar shows: fill (0–100), phase word and detail text. */
export interface ProgressState {
  value: number;
  phase: string;
  detail: string;
}

/**
 * One survey's bar, fed the engine's events. A csv export is loaded while it still downloads, so `downloading` and
 * `loading` events interleave: once loading has begun the bar stays on `loading` and shows both counts rather than
 * flipping between the two phases.
 */
export class ProgressLine {
  private bytes: number | null = null;
  private rows: number | null = null;

  /** `expected`: responses the survey should hold (fills the loading part of the bar), or null when unknown. */
  constructor(private readonly expected: number | null) {}

  update(event: SyncProgressEvent): ProgressState {
    switch (event.phase) {
      case 'exporting':
        this.bytes = null;
        this.rows = null;
        return { value: Math.min(100, event.percent ?? 0) * 0.3, phase: 'exporting', detail: `${Math.round(event.percent ?? 0)}%` };
      case 'downloading':
        this.bytes = event.bytes ?? 0;
        return this.rows === null ? { value: 30, phase: 'downloading', detail: megabytes(this.bytes) } : this.loading();
      case 'loading':
        this.rows = event.rows ?? 0;
        return this.loading();
      case 'in-progress':
      case 'reconciling':
        return { value: 90, phase: event.phase, detail: event.rows ? `${event.rows.toLocaleString('en-US')} ids` : '' };
      default:
        return {
          value: 100,
          phase: event.phase,
          detail: event.rows !== undefined ? `${event.rows.toLocaleString('en-US')} responses` : '',
        };
    }
  }

  private loading(): ProgressState {
    const rows = this.rows ?? 0;
    const share = this.expected ? Math.min(1, rows / this.expected) : 0;
    const downloaded = this.bytes === null ? '' : ` (${megabytes(this.bytes)} downloaded)`;
    return { value: 30 + share * 60, phase: 'loading', detail: `${rows.toLocaleString('en-US')} responses${downloaded}` };
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
