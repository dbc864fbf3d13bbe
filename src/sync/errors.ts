/**
 * How the engine reads errors: one line of text, the Qualtrics `requestId` to quote to support, and whether an
 * error means "the caller stopped us".
 */
import { APIError, APIUserAbortError, OAuthError } from '../client/index.ts';

/** One line: the message without stack, newlines folded. */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** The `requestId` of the first API error in the cause chain, if any. */
export function requestIdOf(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof APIError && e.requestId) return e.requestId;
    if (e instanceof OAuthError && e.requestId) return e.requestId;
  }
  return null;
}

/** True when the error comes from the caller's AbortSignal. */
export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return err instanceof APIUserAbortError || signal?.aborted === true;
}
