import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimClock } from '../contract.ts';
import { ErrorCodes, SimHttpError } from './envelope.ts';
import { knownScopes, scopeCovers } from './scopes.ts';

/** The simulator's single OAuth client and API token. */
export interface SimCredentials {
  clientId: string;
  clientSecret: string;
  apiToken: string;
}

/** Who made a request: the API token (every scope) or a bearer token with the scopes it was granted. */
export interface Principal {
  kind: 'apiToken' | 'bearer';
  scopes: readonly string[];
}

/** RFC 6749 §5.1 token answer, as Qualtrics sends it (not wrapped in the envelope). */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

interface IssuedToken {
  scopes: string[];
  /** Simulated epoch ms. */
  expiresAt: number;
}

/**
 * OAuth 2.0 client credentials and X-API-TOKEN checks (FACTS.md §1). Token lifetimes run on the simulated clock
 * so `POST /_sim/clock` can expire them.
 */
export class AuthService {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly credentials: SimCredentials,
    private readonly clock: SimClock,
    /** Token lifetime in simulated seconds (default 3600). */
    private readonly tokenTtlSeconds = 3600,
  ) {}

  /** `POST /oauth2/token`: HTTP Basic client auth, form body `grant_type=client_credentials&scope=…`. */
  issueToken(authorization: string | undefined, contentType: string | undefined, body: string): TokenAnswer {
    const client = parseBasic(authorization);
    if (
      !client ||
      !sameSecret(client.id, this.credentials.clientId) ||
      !sameSecret(client.secret, this.credentials.clientSecret)
    ) {
      throw new SimHttpError(401, ErrorCodes.invalidClient, 'invalid_client');
    }
    if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new SimHttpError(400, ErrorCodes.invalidGrant, 'invalid_request');
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') {
      throw new SimHttpError(400, ErrorCodes.invalidGrant, 'unsupported_grant_type');
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '');
    const unknown = requested.filter((s) => !knownScopes.has(s));
    if (unknown.length > 0) throw new SimHttpError(400, ErrorCodes.invalidScope, 'invalid_scope');
    // Without a scope parameter the client gets everything it was configured with, which here is everything.
    const scopes = requested.length > 0 ? [...new Set(requested)] : ['manage:all'];
    const token = randomBytes(24).toString('base64url');
    this.pruneExpired();
    this.tokens.set(token, { scopes, expiresAt: this.clock.now() + this.tokenTtlSeconds * 1000 });
    return { access_token: token, token_type: 'Bearer', expires_in: this.tokenTtlSeconds, scope: scopes.join(' ') };
  }

  /**
   * Checks a request's credentials and, when `requiredScope` is given, that they cover it.
   * Missing auth → 400 ATP_2; unknown API token → 401 DCD_7; bad bearer → 401; missing scope → 403.
   */
  authenticate(authorization: string | undefined, apiToken: string | undefined, requiredScope?: string): Principal {
    let principal: Principal;
    if (authorization !== undefined && authorization !== '') {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const issued = match ? this.tokens.get(match[1]!) : undefined;
      if (!issued || issued.expiresAt <= this.clock.now()) {
        throw new SimHttpError(401, ErrorCodes.badBearer, 'Invalid, expired or revoked access token.');
      }
      principal = { kind: 'bearer', scopes: issued.scopes };
    } else if (apiToken !== undefined && apiToken !== '') {
      if (!sameSecret(apiToken, this.credentials.apiToken)) {
        throw new SimHttpError(401, ErrorCodes.badApiToken, 'Unrecognized X-API-TOKEN.');
      }
      principal = { kind: 'apiToken', scopes: ['manage:all'] };
    } else {
      throw new SimHttpError(400, ErrorCodes.missingAuth, 'Expected authorization in headers, but none provided.');
    }
    if (requiredScope !== undefined && !scopeCovers(principal.scopes, requiredScope)) {
      throw new SimHttpError(
        403,
        ErrorCodes.missingScope,
        `The operation is forbidden: the access token lacks the scope ${requiredScope}.`,
      );
    }
    return principal;
  }

  /** Revokes every bearer token issued so far (a fault: "tokens revoked before expiry"). */
  revokeAll(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }

  private pruneExpired(): void {
    if (this.tokens.size < 10_000) return;
    const now = this.clock.now();
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined.
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

/** Constant-time comparison (of digests, so lengths do not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
