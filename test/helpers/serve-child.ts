import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** What `npm run serve` runs (the CLI bundled, built when missing or stale: scripts/serve-build.mjs). */
const SERVE = join(ROOT, 'scripts', 'serve.mjs');

/** A server started as `npm run serve` does, in a child process, with what it printed at start. */
export interface ServedChild {
  process: ChildProcess;
  issuer: string;
  /** The admin token from the console line (`#token=…`). */
  adminToken: string;
  clientId?: string;
  clientSecret?: string;
  /** Everything printed so far. */
  output(): string;
}

/** kill -9 of the whole group (the command and anything it started). */
export function killHard(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `npm run serve` with these flags as a child process; resolves once it
 * printed the console line. `children` collects the process for cleanup
 * (kill it with `killHard`).
 */
export function serveChild(args: string[], children: ChildProcess[], env: Record<string, string> = {}): Promise<ServedChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVE, ...args], {
      cwd: ROOT,
      env: { ...process.env, OAUTH_CONSOLE_DATA_DIR: '', ...env },
      // Its own process group, so kill -9 reaches whatever the command started.
      detached: true,
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    let ready = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready || !/^console \(/m.test(out)) return;
      ready = true;
      // On a first run the demo app's lines follow the console line.
      setTimeout(() => {
        const issuer = /^issuer: (.+)$/m.exec(out)![1]!;
        const adminToken = /#token=(\S+)/.exec(out)![1]!;
        resolve({
          process: child,
          issuer,
          adminToken,
          clientId: /^demo client_id: (.+)$/m.exec(out)?.[1],
          clientSecret: /^demo client_secret[^:]*: (.+)$/m.exec(out)?.[1],
          output: () => out,
        });
      }, 100);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
}
