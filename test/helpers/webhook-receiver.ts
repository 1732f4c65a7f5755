import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A tiny webhook receiver on loopback: records every request, answers with
 * the statuses given (then 200), optionally after a delay, and tracks how
 * many requests of one `webhook-id` are in flight at once.
 */
export async function startReceiver(options: { statuses?: number[]; delayMs?: number } = {}) {
  const statuses = [...(options.statuses ?? [])];
  const received: Received[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlightPerId = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      maxInFlightPerId = Math.max(maxInFlightPerId, inFlight.get(id)!);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses.shift() ?? 200;
      setTimeout(() => {
        inFlight.set(id, inFlight.get(id)! - 1);
        res.statusCode = status;
        res.end(status === 200 ? 'ok' : `failing with ${status}`);
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    get maxInFlightPerId() {
      return maxInFlightPerId;
    },
    /** Resolves once `count` requests arrived (fails after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 5000): Promise<Received[]> {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Waits until `check` returns a value (polling), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
