/**
 * The one error an export file can raise: it names the file and says what is wrong, on one line
 * (DESIGN.md invariant 6).
 */
export class ExportFileError extends Error {
  /** The file (path as given, plus `!entry` for a zip member) the problem was found in. */
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    const oneLine = problem.replace(/\s*\n\s*/g, ' ').trim();
    super(`${file}: ${oneLine}`, options);
    this.name = 'ExportFileError';
    this.file = file;
    this.problem = oneLine;
  }
}

/** Wraps any error met while reading `file` into an {@link ExportFileError}, leaving one as is. */
export function asExportFileError(file: string, err: unknown, what = 'cannot be read'): ExportFileError {
  if (err instanceof ExportFileError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ExportFileError(file, `${what} (${detail})`, { cause: err });
}
