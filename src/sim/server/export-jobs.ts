import { randomBytes, randomUUID } from 'node:crypto';
import type { BuildExport, ExportFile, SimWorld } from '../contract.ts';
import { ErrorCodes, SimHttpError } from './envelope.ts';
import type { ExportRequest } from './export-options.ts';

/** One week: how long export files and continuation tokens live (FACTS.md §5.1, §5.3), in simulated ms. */
export const retentionMs = 7 * 24 * 3600 * 1000;

interface Job {
  progressId: string;
  surveyId: string;
  /** Simulated ms the export was started: the file shows the data as of then. */
  startedAt: number;
  /** Simulated ms at which the job is done (`startedAt + exportDelayMs`). */
  doneAt: number;
  failed: boolean;
  compress: boolean;
  fileId: string;
  file?: ExportFile;
  continuationToken?: string;
}

interface Continuation {
  surveyId: string;
  /** Start of the export that issued the token: the next export returns what was recorded/modified since. */
  since: number;
  expiresAt: number;
}

/** Progress as `GET …/export-responses/{progressId}` reports it. */
export interface ExportProgress {
  percentComplete: number;
  status: 'inProgress' | 'complete' | 'failed';
  fileId?: string | null;
  continuationToken?: string;
}

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `ES_` + 15 alphanumerics, the shape of real progress ids. */
function progressIdOf(): string {
  return `ES_${[...randomBytes(15)].map((b) => alnum[b % alnum.length]).join('')}`;
}

/**
 * Export jobs, their files and the continuation tokens they issue. Progress is a function of the simulated clock:
 * `percentComplete` rises linearly over `exportDelayMs` and the job completes (or fails) at its end.
 */
export class ExportJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly byFileId = new Map<string, Job>();
  private readonly tokens = new Map<string, Continuation>();

  constructor(
    private readonly world: SimWorld,
    private readonly buildExport: BuildExport,
    /** Simulated ms from start to completion (default 1000). */
    private readonly exportDelayMs = 1000,
  ) {}

  /** Starts a job; a continuation token must be known, of this survey and unexpired (else 400). */
  start(surveyId: string, request: ExportRequest, fail: boolean): { progressId: string } {
    const now = this.world.clock.now();
    let since: number | undefined;
    if (request.continuationToken !== undefined) {
      const c = this.tokens.get(request.continuationToken);
      if (!c || c.surveyId !== surveyId) {
        throw new SimHttpError(400, ErrorCodes.badContinuationToken, 'Invalid continuationToken.');
      }
      if (c.expiresAt <= now) {
        throw new SimHttpError(400, ErrorCodes.badContinuationToken, 'The continuationToken has expired.');
      }
      since = c.since;
    }
    const job: Job = {
      progressId: progressIdOf(),
      surveyId,
      startedAt: now,
      doneAt: now + Math.max(0, this.exportDelayMs),
      failed: fail,
      compress: request.options.compress,
      fileId: `${randomUUID()}-def`,
    };
    if (!fail) {
      try {
        const options = { ...request.options, asOf: now, ...(since === undefined ? {} : { since }) };
        job.file = this.buildExport(this.world, surveyId, options);
      } catch {
        // A builder failure is what a real export job reports as `failed`; the caller sees only that.
        job.failed = true;
      }
    }
    if (!job.failed && (request.allowContinuation || request.continuationToken !== undefined)) {
      job.continuationToken = randomBytes(32).toString('base64url');
      this.tokens.set(job.continuationToken, { surveyId, since: now, expiresAt: job.doneAt + retentionMs });
    }
    this.prune(now);
    this.jobs.set(job.progressId, job);
    this.byFileId.set(job.fileId, job);
    return { progressId: job.progressId };
  }

  /** 404 for a progress id this survey never started (or one long gone). */
  progress(surveyId: string, progressId: string): ExportProgress {
    const job = this.jobs.get(progressId);
    if (!job || job.surveyId !== surveyId) {
      throw new SimHttpError(404, ErrorCodes.exportNotFound, 'Export progress not found.');
    }
    const now = this.world.clock.now();
    if (now < job.doneAt) {
      const span = job.doneAt - job.startedAt;
      return { percentComplete: Math.floor(((now - job.startedAt) / span) * 100), status: 'inProgress' };
    }
    if (job.failed) return { fileId: null, percentComplete: 100, status: 'failed' };
    const out: ExportProgress = { fileId: job.fileId, percentComplete: 100, status: 'complete' };
    if (job.continuationToken !== undefined) out.continuationToken = job.continuationToken;
    return out;
  }

  /** The file of a completed job; 404 while in progress, after failure, after a week, or for another survey. */
  file(surveyId: string, fileId: string): { file: ExportFile; compress: boolean } {
    const job = this.byFileId.get(fileId);
    const now = this.world.clock.now();
    if (!job || job.surveyId !== surveyId || !job.file || now < job.doneAt || now >= job.doneAt + retentionMs) {
      throw new SimHttpError(404, ErrorCodes.fileNotFound, 'The requested file does not exist or has expired.');
    }
    return { file: job.file, compress: job.compress };
  }

  /** Drops jobs and tokens whose week is over, so memory stays bounded over long runs. */
  private prune(now: number): void {
    for (const [id, job] of this.jobs) {
      if (job.doneAt + retentionMs <= now) {
        this.jobs.delete(id);
        this.byFileId.delete(job.fileId);
      }
    }
    for (const [token, c] of this.tokens) if (c.expiresAt <= now) this.tokens.delete(token);
  }
}
