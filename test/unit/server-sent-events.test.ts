import { describe, expect, it } from 'vitest';
import { followChanges, readServerSentEvents, type ChangeEvent } from '../../src/shared/contract';

/** A body that arrives in exactly these reads. */
function bodyOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>, onRetry?: (ms: number) => void) {
  const out = [];
  for await (const message of readServerSentEvents(body, onRetry)) out.push(message);
  return out;
}

const change = (id: number): ChangeEvent => ({ id, at: 1_700_000_000_000 + id, type: 'token.issued', level: 'info', topics: ['activity', 'tokens'] });
const frame = (c: ChangeEvent) => `id: ${c.id}\r\nevent: change\r\ndata: ${JSON.stringify(c)}\r\n\r\n`;

describe('reading server-sent events', () => {
  it('reads a CR LF split across two reads as one line end, not an event boundary', async () => {
    // "data: a\r" | "\nevent: change\r\n\r\n": a hand-rolled CR/LF normaliser sees "\n\n" and cuts the event in two.
    const messages = await collect(bodyOf(['id: 7\r\ndata: a\r', '\nevent: change\r\ndata: b\r\n\r\n']));
    expect(messages).toEqual([{ event: 'change', data: 'a\nb', id: '7' }]);
  });

  it('passes on the retry the server asks for, and skips comments', async () => {
    const retries: number[] = [];
    const messages = await collect(bodyOf([': hello\n\nretry: 2500\n\n', 'data: x\n\n']), (ms) => retries.push(ms));
    expect(retries).toEqual([2500]);
    expect(messages).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('following changes', () => {
  it("waits the server's retry before reconnecting, and resumes with Last-Event-ID", async () => {
    const calls: Array<{ at: number; lastEventId: string | null }> = [];
    const controller = new AbortController();
    const seen: number[] = [];
    const states: string[] = [];
    const bodies = [[`retry: 300\n\n`, frame(change(4)), frame(change(5))], [frame(change(6))]];
    const fetchImpl: typeof fetch = async (_url, init) => {
      calls.push({ at: Date.now(), lastEventId: new Headers(init?.headers).get('last-event-id') });
      const chunks = bodies.shift();
      if (!chunks) {
        controller.abort();
        throw new Error('aborted');
      }
      return new Response(bodyOf(chunks), { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };
    await followChanges({ baseUrl: 'http://127.0.0.1:1', token: 't', fetch: fetchImpl, signal: controller.signal, retryMs: 20_000, onChange: (c) => seen.push(c.id), onState: (s) => states.push(s) });
    expect(seen).toEqual([4, 5, 6]);
    expect(calls.map((c) => c.lastEventId)).toEqual([null, '5', '6']);
    // The first stream said `retry: 300`: the wait is that, not the 20 s default.
    const gap = calls[1]!.at - calls[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(280);
    expect(gap).toBeLessThan(5000);
    expect(states.slice(0, 3)).toEqual(['live', 'reconnecting', 'live']);
  });

  it('stops with an AdminError when the token is refused, instead of retrying', async () => {
    let calls = 0;
    const fetchImpl: typeof fetch = async () => {
      calls += 1;
      return new Response('{}', { status: 401 });
    };
    const err = await followChanges({ baseUrl: 'http://127.0.0.1:1', token: 't', fetch: fetchImpl, signal: new AbortController().signal, onChange: () => undefined }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthorized' });
    expect(calls).toBe(1);
  });
});
