import { Hono } from 'hono';
import type { ResponseSelector } from '../contract.ts';
import type { ServerState, SimContext, SimEnv } from './context.ts';
import { parseFaultConfig } from './faults.ts';
import { isLoopbackAddress } from './loopback.ts';

/**
 * The control API under `/_sim/`: no Qualtrics auth, loopback clients only. Answers are plain JSON (not the
 * Qualtrics envelope); a bad body gets 400 `{"error":"<one line>"}`.
 */

class ControlError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

const maxCount = 1_000_000;

function fail(status: 400 | 403 | 404, message: string): never {
  throw new ControlError(status, message);
}

async function body(c: SimContext): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    fail(400, 'body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(400, 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function count(b: Record<string, unknown>): number {
  const n = b['count'];
  if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > maxCount) {
    fail(400, `count must be an integer from 1 to ${maxCount}`);
  }
  return n as number;
}

/** `{"count":N}` or `{"responseIds":[…]}`, exactly one of them. */
export function parseSelector(b: Record<string, unknown>): ResponseSelector {
  const extra = Object.keys(b).filter((k) => k !== 'count' && k !== 'responseIds');
  if (extra.length > 0) fail(400, `unknown field "${extra[0]}"`);
  if ((b['count'] === undefined) === (b['responseIds'] === undefined)) {
    fail(400, 'give exactly one of count or responseIds');
  }
  if (b['count'] !== undefined) return { count: count(b) };
  const ids = b['responseIds'];
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' && x !== '')) {
    fail(400, 'responseIds must be a non-empty array of strings');
  }
  return { responseIds: ids as string[] };
}

function surveyId(c: SimContext, state: ServerState): string {
  const id = c.req.param('surveyId') ?? '';
  if (!state.world.survey(id)) fail(404, `unknown survey ${id}`);
  return id;
}

function clockAnswer(state: ServerState): Record<string, unknown> {
  const now = state.world.clock.now();
  return { now: new Date(now).toISOString(), nowMs: now };
}

/** NDJSON ground truth, pulled from the world's lazy iterator so it is never held whole. */
function groundTruth(state: ServerState, id: string): Response {
  const survey = state.world.survey(id)!;
  const iterator = state.world.responses(id)[Symbol.iterator]();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = '';
      for (let i = 0; i < 200; i++) {
        const next = iterator.next();
        if (next.done) {
          if (chunk !== '') controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        if (next.value.inProgress) continue;
        const line = state.shapes.groundTruthLine(survey, next.value);
        chunk += line.endsWith('\n') ? line : `${line}\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
}

/** Builds the `/_sim` sub-application. */
export function controlApp(state: ServerState): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  app.use('*', async (c, next) => {
    if (!isLoopbackAddress(c.env?.incoming?.socket.remoteAddress)) {
      fail(403, 'the control API answers loopback clients only');
    }
    await next();
  });
  app.get('/surveys', (c) =>
    c.json(
      state.world.surveys().map((s) => ({ surveyId: s.id, name: s.name, responses: state.world.count(s.id) })),
    ),
  );
  app.post('/surveys/:surveyId/responses', async (c) => {
    const id = surveyId(c, state);
    const b = await body(c);
    const extra = Object.keys(b).find((k) => k !== 'count');
    if (extra !== undefined) fail(400, `unknown field "${extra}"`);
    return c.json({ responseIds: state.world.add(id, count(b)) });
  });
  app.post('/surveys/:surveyId/responses/edit', async (c) => {
    const id = surveyId(c, state);
    return c.json({ responseIds: state.world.edit(id, parseSelector(await body(c))) });
  });
  app.post('/surveys/:surveyId/responses/delete', async (c) => {
    const id = surveyId(c, state);
    const responseIds = state.world.delete(id, parseSelector(await body(c)));
    state.deleted.set(id, (state.deleted.get(id) ?? 0) + responseIds.length);
    return c.json({ responseIds });
  });
  app.get('/surveys/:surveyId/responses', (c) => groundTruth(state, surveyId(c, state)));
  app.get('/faults', (c) => c.json(state.faults.describe()));
  app.post('/faults', async (c) => {
    let config: ReturnType<typeof parseFaultConfig>;
    try {
      config = parseFaultConfig(await body(c));
    } catch (err) {
      if (err instanceof ControlError) throw err;
      fail(400, (err as Error).message);
    }
    const revoked = config.revokeTokens ? state.auth.revokeAll() : 0;
    state.faults.configure(config);
    return c.json({ ...state.faults.describe(), revokedTokens: revoked });
  });
  app.delete('/faults', (c) => {
    state.faults.clear();
    return c.json(state.faults.describe());
  });
  app.get('/clock', (c) => c.json(clockAnswer(state)));
  app.post('/clock', async (c) => {
    const b = await body(c);
    const ms = b['advanceMs'];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) fail(400, 'advanceMs must be a number >= 0');
    state.world.clock.advance(ms);
    return c.json(clockAnswer(state));
  });
  app.get('/stats', (c) => c.json(state.stats.snapshot()));
  app.delete('/stats', (c) => {
    state.stats.reset();
    return c.json(state.stats.snapshot());
  });
  app.notFound((c) => c.json({ error: `no control route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError((err, c) => {
    if (err instanceof ControlError) return c.json({ error: err.message }, err.status);
    return c.json({ error: `control call failed: ${err.message.split('\n')[0]}` }, 500);
  });
  return app;
}
