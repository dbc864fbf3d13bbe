/** Errors that mean "the user asked for something invalid" (exit code 2) carry `exitCode = 2`. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One line: the error's message without stack, newlines folded. */
export function formatError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** 2 for usage/config errors, 1 for everything else. */
export function exitCodeFor(err: unknown): number {
  if (err && typeof err === 'object' && 'exitCode' in err && err.exitCode === 2) return 2;
  if (err instanceof Error && err.name === 'ConfigError') return 2;
  return 1;
}
