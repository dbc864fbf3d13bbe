/**
 * The logging interface the client writes to: pino-compatible (`logger.warn({ path }, 'message')`), so a pino
 * instance can be passed as is. Objects carry method, path template, status, duration and requestId; never
 * headers, secrets or query values.
 */
export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** The default logger: a library stays silent unless its caller asks for logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
