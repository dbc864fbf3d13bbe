import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../logger.ts';

/** An OAuth access token and when it expires (epoch ms). */
export interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

interface CacheFile {
  version: 1;
  tokens: Record<string, CachedToken>;
}

/**
 * Key of a token in the cache: base URL + client id + client secret + scopes, hashed so that the file names no
 * client and holds no secret. Separate runs with the same settings share the token; any change of those settings —
 * a rotated or mistyped secret included — gets a fresh one, so a cached token never hides bad credentials.
 */
export function tokenCacheKey(origin: string, clientId: string, clientSecret: string, scopes: readonly string[]): string {
  return createHash('sha256')
    .update(`${origin}\n${clientId}\n${clientSecret}\n${[...scopes].sort().join(' ')}`)
    .digest('hex');
}

/**
 * OAuth tokens on disk, so that separate runs reuse a token instead of asking for one each time. The file is
 * written atomically (temp file + rename) with mode 0600 in a 0700 directory; a corrupt file is ignored and
 * rewritten on the next store. Failures to read or write only cost a token request, so they are logged, not thrown.
 */
export class TokenCache {
  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  async get(key: string, now: number): Promise<CachedToken | undefined> {
    const file = await this.load();
    const entry = file.tokens[key];
    return entry && entry.expiresAt > now ? entry : undefined;
  }

  /** Stores a token under `key`, or removes the entry when `token` is undefined. Expired entries are pruned. */
  async set(key: string, token: CachedToken | undefined, now: number): Promise<void> {
    const file = await this.load();
    const tokens: Record<string, CachedToken> = {};
    for (const [k, v] of Object.entries(file.tokens)) if (v.expiresAt > now && k !== key) tokens[k] = v;
    if (token) tokens[key] = token;
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFile(tmp, JSON.stringify({ version: 1, tokens } satisfies CacheFile), { mode: 0o600, flag: 'wx' });
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      this.logger.warn({ cachePath: this.path, code: errorCode(err) }, 'could not write the OAuth token cache');
    }
  }

  private async load(): Promise<CacheFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') {
        this.logger.warn({ cachePath: this.path, code: errorCode(err) }, 'could not read the OAuth token cache');
      }
      return { version: 1, tokens: {} };
    }
    const parsed = parseCache(text);
    if (!parsed) this.logger.warn({ cachePath: this.path }, 'ignoring a corrupt OAuth token cache; it will be rewritten');
    return parsed ?? { version: 1, tokens: {} };
  }
}

function parseCache(text: string): CacheFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) return undefined;
  const raw = (data as { tokens?: unknown }).tokens;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const tokens: Record<string, CachedToken> = {};
  for (const [k, v] of Object.entries(raw)) {
    const t = v as Partial<CachedToken> | null;
    if (t && typeof t.accessToken === 'string' && typeof t.expiresAt === 'number') {
      tokens[k] = { accessToken: t.accessToken, expiresAt: t.expiresAt };
    }
  }
  return { version: 1, tokens };
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
