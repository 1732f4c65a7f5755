import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPortFree, suggestFreePort } from '../../src/main/app/free-port';
import { createQuitGuard, ServerLifecycle, type ServerState } from '../../src/main/app/server-lifecycle';
import { startServer, type RunningServer } from '../../src/main/server/server';
import { makeTempDir } from '../secrets/temp-dir';

function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('the shell starts and stops the real server', () => {
  let dataDir: string;
  let lifecycle: ServerLifecycle<RunningServer>;
  let states: ServerState[];

  beforeEach(async () => {
    dataDir = await makeTempDir();
    lifecycle = new ServerLifecycle({
      start: (port) => startServer({ dataDir, port, host: '127.0.0.1' }),
      suggestPort: suggestFreePort,
    });
    states = [];
    lifecycle.subscribe((state) => states.push(state));
  });
  afterEach(async () => {
    await lifecycle.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on the configured port, serves, and closes server and database on stop', async () => {
    const blocker = await occupy();
    const port = portOf(blocker);
    await close(blocker);
    const state = await lifecycle.start(port);
    expect(state).toEqual({ status: 'running', port, issuer: `http://127.0.0.1:${port}` });
    expect(states.map((s) => s.status)).toEqual(['starting', 'running']);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const db = lifecycle.server!.db;

    await lifecycle.stop();
    expect(lifecycle.state).toEqual({ status: 'stopped' });
    expect(lifecycle.server).toBeNull();
    expect(await isPortFree(port, '127.0.0.1')).toBe(true);
    await expect(db.selectFrom('settings').selectAll().execute()).rejects.toThrow();
    await lifecycle.stop();
    expect(await lifecycle.start(port)).toEqual({ status: 'stopped' });
  });

  it('reports a busy port with a free suggestion and never moves the issuer by itself', async () => {
    const blocker = await occupy();
    const busy = portOf(blocker);
    try {
      const state = await lifecycle.start(busy);
      expect(state).toMatchObject({ status: 'port-busy', port: busy, host: '127.0.0.1' });
      const suggested = (state as { suggestedPort: number | null }).suggestedPort;
      expect(suggested).toBeGreaterThan(busy);
      expect(lifecycle.server).toBeNull();

      const moved = await lifecycle.start(suggested!);
      expect(moved).toEqual({ status: 'running', port: suggested, issuer: `http://127.0.0.1:${suggested}` });
    } finally {
      await close(blocker);
    }
  });

  it('restarts on another port by closing the running server first', async () => {
    const first = await lifecycle.start(0);
    const firstPort = (first as { port: number }).port;
    const second = await lifecycle.start(0);
    expect(second.status).toBe('running');
    expect(await isPortFree(firstPort, '127.0.0.1')).toBe(true);
  });

  it('shows other start-up failures as they are', async () => {
    const failing = new ServerLifecycle({
      start: async () => {
        throw new Error('data folder /nope is not usable: EACCES');
      },
      suggestPort: suggestFreePort,
    });
    expect(await failing.start(9090)).toEqual({ status: 'failed', port: 9090, message: 'data folder /nope is not usable: EACCES' });
  });

  it('runs one operation at a time', async () => {
    const order: string[] = [];
    let release!: () => void;
    const serial = new ServerLifecycle({
      start: async (port) => {
        order.push(`start ${port}`);
        if (port === 1) await new Promise<void>((resolve) => (release = resolve));
        return { issuer: `http://x:${port}`, port, close: async () => void order.push(`close ${port}`) };
      },
      suggestPort: async () => null,
    });
    const a = serial.start(1);
    const b = serial.start(2);
    const c = serial.stop();
    await vi.waitFor(() => expect(order).toEqual(['start 1']));
    release();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['start 1', 'close 1', 'start 2', 'close 2']);
  });
});

describe('quitting', () => {
  it('holds the first quit until the server has closed, then quits once', async () => {
    let finishStop!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finishStop = resolve)));
    const quit = vi.fn();
    const guard = createQuitGuard(stop, quit);
    const first = { preventDefault: vi.fn() };
    guard(first);
    expect(first.preventDefault).toHaveBeenCalled();
    const again = { preventDefault: vi.fn() };
    guard(again);
    expect(again.preventDefault).toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();
    finishStop();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    const last = { preventDefault: vi.fn() };
    guard(last);
    expect(last.preventDefault).not.toHaveBeenCalled();
  });

  it('quits anyway when closing hangs or fails', async () => {
    const quit = vi.fn();
    createQuitGuard(() => new Promise(() => undefined), quit, 20)({ preventDefault() {} });
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    const quit2 = vi.fn();
    createQuitGuard(() => Promise.reject(new Error('x')), quit2)({ preventDefault() {} });
    await vi.waitFor(() => expect(quit2).toHaveBeenCalledTimes(1));
  });
});

describe('free ports', () => {
  it('knows a taken port and suggests the next free one', async () => {
    const blocker = await occupy();
    try {
      expect(await isPortFree(portOf(blocker), '127.0.0.1')).toBe(false);
      const suggestion = await suggestFreePort(portOf(blocker), '127.0.0.1');
      expect(suggestion).not.toBeNull();
      expect(await isPortFree(suggestion!, '127.0.0.1')).toBe(true);
      expect(await suggestFreePort(65_535, '127.0.0.1')).toBeNull();
    } finally {
      await close(blocker);
    }
  });
});

describe('a server that stops itself after start', () => {
  it('becomes the failed state with its one-line reason, and the handle is closed', async () => {
    let closed = 0;
    const lifecycle = new ServerLifecycle({
      start: async (port: number) => ({ issuer: `http://127.0.0.1:${port}`, port, close: async () => void closed++ }),
      suggestPort: async () => null,
    });
    const states: ServerState[] = [];
    lifecycle.subscribe((state) => states.push(state));
    await lifecycle.start(9999);
    await lifecycle.stoppedByItself('database /x is damaged, integrity check failed (…): keep the file');
    expect(lifecycle.state).toEqual({ status: 'failed', port: 9999, message: 'database /x is damaged, integrity check failed (…): keep the file' });
    expect(lifecycle.server).toBeNull();
    expect(closed).toBe(1);
    expect(states.map((s) => s.status)).toEqual(['starting', 'running', 'failed']);
    await lifecycle.stop();
  });
});
