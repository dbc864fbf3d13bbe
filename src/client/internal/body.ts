/** Reading response bodies with a size cap, and telling JSON from text. */

/** Reads a body as UTF-8 text, stopping after `limit` bytes (the rest is left unread and released). */
export async function readText(body: AsyncIterable<Uint8Array>, limit: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    if (size + chunk.byteLength > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

/** Parses JSON text; `undefined` for an empty body, `{ ok: false }` when it is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A body for an error: parsed JSON when it is JSON, else the text itself. */
export function errorBody(text: string): unknown {
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : text;
}
