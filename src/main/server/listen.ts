import { access, constants, mkdir, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { StartupError } from '../startup-error';

/** The port is taken; the desktop shell offers another instead of changing the issuer itself. */
export class PortInUseError extends StartupError {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} on ${host} is already in use (choose another with --port, or --port 0 for a free one)`);
  }
}

export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * `mkdir -p`, with the true reason when it fails: a recursive mkdir under a
 * read-only mount reports ENOENT (the missing parent) where the parent's own
 * mkdir says EROFS, so the missing part is made one level at a time.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const missing: string[] = [];
    let existing = dir;
    for (; !(await stat(existing).then(() => true, () => false)) && dirname(existing) !== existing; existing = dirname(existing)) missing.unshift(existing);
    for (const part of missing) await mkdir(part, { mode: 0o700 });
  }
}

export async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await makeDirs(dataDir);
    await access(dataDir, constants.W_OK | constants.R_OK);
  } catch (err) {
    throw new StartupError(`data folder ${dataDir} is not usable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (choose another with --data-dir)`);
  }
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(port, host));
      else if (err.code === 'EACCES') reject(new StartupError(`not allowed to listen on port ${port} on ${host} (choose a port above 1024)`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new StartupError(`cannot listen on host ${host}: no such local address`));
      else reject(new StartupError(`cannot listen on ${host}:${port}: ${err.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
