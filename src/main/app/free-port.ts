import { createServer } from 'node:net';

/** True when nothing listens on `port` at `host` right now. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * The first free port after `busy` (up to `attempts` tries), to suggest when the configured
 * port is taken. A suggestion only: the user decides, because the port is part of the issuer.
 */
export async function suggestFreePort(busy: number, host: string, attempts = 20): Promise<number | null> {
  for (let port = busy + 1; port <= Math.min(65_535, busy + attempts); port += 1) {
    if (await isPortFree(port, host)) return port;
  }
  return null;
}
