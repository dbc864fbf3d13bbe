import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  IncompleteDownloadError,
  NotFoundError,
  QualtricsClient,
} from '../../src/client/index.ts';
import { SV, Script } from './helpers/scripted-fetch.ts';

const FILE = `/API/v3/surveys/${SV}/export-responses/d6f4da0a-afda-487b-863c-4bb7f3360256-def/file`;
const FILE_ID = 'd6f4da0a-afda-487b-863c-4bb7f3360256-def';

/** Deterministic bytes, produced chunk by chunk (the server never holds the whole body either). */
function chunkOf(i: number, size: number): Buffer {
  return Buffer.alloc(size, `chunk-${i}-`);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(extra: { timeoutMs?: number; maxRetries?: number } = {}) {
  return new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0006', baseUrl, rateShare: 1, retryDelayMs: 0, ...extra });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'qsync-dl-'));

describe('export file download (loopback server, undici transport)', () => {
  it('streams a multi-megabyte file to a path and reports bytes and content type', async () => {
    const chunks = 80;
    const size = 64 * 1024;
    const hash = createHash('sha256');
    handler = (req, res) => {
      expect(req.url).toBe(FILE);
      expect(req.headers['x-api-token']).toBe('api-token-for-tests-0006');
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(chunks * size) });
      let i = 0;
      const more = () => {
        while (i < chunks) {
          if (!res.write(chunkOf(i++, size))) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    };
    for (let i = 0; i < chunks; i++) hash.update(chunkOf(i, size));
    const dir = tmp();
    const to = join(dir, 'export.zip');
    const result = await client().responseExports.download(SV, FILE_ID, { to });
    expect(result).toEqual({ bytes: chunks * size, contentType: 'application/zip', contentLength: chunks * size, path: to });
    expect(createHash('sha256').update(readFileSync(to)).digest('hex')).toBe(hash.digest('hex'));
    expect(readdirSync(dir)).toEqual(['export.zip']);
  });

  it('streams to a caller-provided Writable and ends it', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('a,b\n1,2\n');
    };
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (c: Buffer) => parts.push(c));
    const ended = new Promise((r) => sink.on('end', r));
    const result = await client().responseExports.download(SV, FILE_ID, { to: sink });
    await ended;
    expect(Buffer.concat(parts).toString()).toBe('a,b\n1,2\n');
    expect(result).toEqual({ bytes: 8, contentType: 'text/csv', contentLength: undefined, path: undefined });
  });

  it('a body shorter than Content-Length is an IncompleteDownloadError and leaves no file', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': '1000' });
      res.write(Buffer.alloc(500, 1));
      setTimeout(() => res.socket?.destroy(), 10);
    };
    const dir = tmp();
    const err = (await client().responseExports.download(SV, FILE_ID, { to: join(dir, 'x.zip') }).catch((e: unknown) => e)) as IncompleteDownloadError;
    expect(err).toBeInstanceOf(IncompleteDownloadError);
    expect(err.bytesReceived).toBe(500);
    expect(err.expectedBytes).toBe(1000);
    expect(err.message).toMatch(/^download broke after 500 of 1000 bytes: .* \(GET \/API\/v3\/surveys\/SV_0123456789abcde\/export-responses\/d6f4da0a-afda-487b-863c-4bb7f3360256-def\/file\); retry the download$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stall between chunks hits the idle timeout, not a whole-body timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip' });
      // Slow but steady chunks (every 100 ms, 800 ms in all: past one idle timeout in total) are fine…
      // (wide margins so a loaded machine's event-loop delays cannot look like a stall)
      let n = 0;
      const tick = setInterval(() => {
        res.write(Buffer.alloc(10, n));
        if (++n === 8) clearInterval(tick); // …then the server goes quiet.
      }, 100);
      res.on('close', () => clearInterval(tick));
    };
    const dir = tmp();
    const err = (await client({ timeoutMs: 600 }).responseExports.download(SV, FILE_ID, { to: join(dir, 'x.zip') }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(err.message).toMatch(/^download stalled: no data for 600 ms after 80 bytes/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the caller can abort mid-download', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.write(Buffer.alloc(100));
    };
    const ctl = new AbortController();
    const dir = tmp();
    const pending = client().responseExports.download(SV, FILE_ID, { to: join(dir, 'x.zip'), signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(existsSync(join(dir, 'x.zip'))).toBe(false);
  });

  it('an expired file is a NotFoundError that says so', async () => {
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ meta: { httpStatus: '404 - Not Found', error: { errorCode: 'FILE_1', errorMessage: 'File not found' }, requestId: 'r-f' } }));
    };
    const err = await client().responseExports.download(SV, FILE_ID, { to: join(tmp(), 'x.zip') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe(
      `export file not found or expired (files expire one week after the export completed): File not found (HTTP 404, errorCode FILE_1, requestId r-f, GET ${FILE})`,
    );
  });

  it('a 503 before the body is retried like any GET', async () => {
    let calls = 0;
    handler = (_req, res) => {
      if (calls++ === 0) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"meta":{"httpStatus":"503 - Service Unavailable","error":{"errorCode":"X","errorMessage":"busy"}}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': '3' });
      res.end('zip');
    };
    const result = await client().responseExports.download(SV, FILE_ID, { to: join(tmp(), 'x.zip') });
    expect(result.bytes).toBe(3);
    expect(calls).toBe(2);
  });
});

describe('download through an injected fetch', () => {
  it('detects a body that ends cleanly but short of Content-Length', async () => {
    const script = new Script().on('GET', FILE, () => new Response('only-part', { headers: { 'content-length': '100', 'content-type': 'application/zip' } }));
    const c = new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0007', dataCenter: 'iad1', fetch: script.fetch });
    const sink = new PassThrough();
    sink.resume();
    const err = (await c.responseExports.download(SV, FILE_ID, { to: sink }).catch((e: unknown) => e)) as IncompleteDownloadError;
    expect(err).toBeInstanceOf(IncompleteDownloadError);
    expect(err.message).toBe(`download ended early: got 9 of 100 bytes (GET ${FILE}); retry the download`);
    expect(sink.destroyed).toBe(true);
  });
});
