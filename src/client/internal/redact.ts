import type { Logger } from '../logger.ts';

/**
 * Knows the secrets of one client (client secret, API token, access tokens as they are issued) and removes them
 * from any text: a last line of defence under the rule that secrets never reach logs, errors or output.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret; very short strings are ignored (they would redact ordinary words). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    }
    return out;
  }

  /** Deep copy of a log object with every string redacted. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 5 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v, depth + 1);
    return out;
  }
}

/** Wraps a logger so that every object and message passes through the redactor. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const wrap =
    (level: keyof Logger) =>
    (obj: Record<string, unknown>, msg: string): void => {
      logger[level](redactor.redactValue(obj) as Record<string, unknown>, redactor.redact(msg));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
