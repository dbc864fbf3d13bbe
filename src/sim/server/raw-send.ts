import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { SimContext } from './context.ts';

/**
 * Writing straight to the Node socket, for what a `Response` cannot express: streaming a file with backpressure,
 * cutting a body short, or dropping the connection. Each helper marks the status stats should count, since hono
 * never sees these responses.
 */

/** Destroys the connection without answering (fault `reset`). */
export function resetConnection(c: SimContext): Response {
  c.set('sentStatus', 'reset');
  const socket = c.env?.incoming?.socket;
  if (!socket) return new Response(null, { status: 500 });
  socket.destroy();
  return RESPONSE_ALREADY_SENT;
}

/**
 * Streams `open()` as the body. With `truncate`, the file is generated once to learn its length, then sent with
 * that full `Content-Length` but only half the bytes before the socket is destroyed — a client can only notice by
 * checking the length, as with a real dropped download. Never buffers the file.
 */
export async function streamBody(
  c: SimContext,
  headers: Record<string, string>,
  open: () => NodeJS.ReadableStream,
  truncate: boolean,
): Promise<Response> {
  const outgoing = c.env?.outgoing;
  c.set('sentStatus', '200');
  if (!outgoing) {
    // In-process use (app.request): no socket to cut, so serve the plain stream.
    return new Response(Readable.toWeb(Readable.from(open())) as ReadableStream, { status: 200, headers });
  }
  if (!truncate) {
    outgoing.writeHead(200, headers);
    await pipeline(open(), outgoing).catch(() => outgoing.destroy());
    return RESPONSE_ALREADY_SENT;
  }
  let length = 0;
  for await (const chunk of open()) length += Buffer.byteLength(chunk as Buffer);
  outgoing.writeHead(200, { ...headers, 'content-length': String(length) });
  await pipeline(open(), firstBytes(Math.floor(length / 2)), outgoing, { end: false }).catch(() => undefined);
  c.env?.incoming?.socket.destroy();
  return RESPONSE_ALREADY_SENT;
}

/** Sends an already built response with its full `Content-Length` but only half its body, then drops the socket. */
export async function truncateResponse(c: SimContext, res: Response): Promise<Response> {
  const outgoing = c.env?.outgoing;
  if (!outgoing) return res;
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  headers['content-length'] = String(body.length);
  c.set('sentStatus', String(res.status));
  outgoing.writeHead(res.status, headers);
  outgoing.write(body.subarray(0, Math.floor(body.length / 2)), () => c.env?.incoming?.socket.destroy());
  return RESPONSE_ALREADY_SENT;
}

/** Passes the first `limit` bytes, then ends (dropping the rest). */
function firstBytes(limit: number): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const room = limit - sent;
      if (room > 0) {
        const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
        sent += part.length;
        this.push(part);
      }
      done();
    },
  });
}
