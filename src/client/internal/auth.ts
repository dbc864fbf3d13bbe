/** Credentials for one attempt: the headers to send and the secret they carry (to invalidate it after a 401). */
export interface Credentials {
  headers: Record<string, string>;
  /** The token these headers carry. Internal: never logged. */
  readonly token: string;
  /** Whether a 401 should drop this token, fetch a new one and replay the request once. */
  readonly refreshable: boolean;
}

/** How the pipeline authenticates requests. */
export interface Authenticator {
  readonly kind: 'oauth' | 'token';
  /** Credentials for the next attempt; may wait for a token request (abortable). */
  authorize(signal?: AbortSignal): Promise<Credentials>;
  /** Called after a 401 with the credentials that were refused. */
  invalidate(credentials: Credentials): Promise<void>;
}

/** Legacy API token auth: `X-API-TOKEN` on every request; a 401 is final (nothing to refresh). */
export class ApiTokenAuth implements Authenticator {
  readonly kind = 'token';
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async authorize(): Promise<Credentials> {
    return { headers: { 'X-API-TOKEN': this.#token }, token: this.#token, refreshable: false };
  }

  async invalidate(): Promise<void> {}
}
