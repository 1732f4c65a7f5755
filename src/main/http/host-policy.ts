import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorPage } from './html';
import { PAGE_CSP } from './security-headers';

/** Whether a peer address is this machine (IPv4 127/8, IPv6 ::1, IPv4-mapped 127/8). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Which `Host` a request may carry. The issuer's host is pinned: the engine
 * builds every URL it prints (discovery, redirects) from the request's host,
 * so a foreign `Host` would make it advertise foreign endpoints. When the
 * issuer is a loopback address, the other loopback names of the same port
 * (`localhost:PORT`, `127.0.0.1:PORT`, `[::1]:PORT`) are aliases: reads are
 * redirected to the issuer, so the browser, its cookies and every printed
 * URL stay on one origin; anything else is refused.
 */
export interface HostPolicy {
  /** The issuer's origin, e.g. `http://127.0.0.1:9090`. */
  origin: string;
  /** The one accepted `Host` value (lower case), e.g. `127.0.0.1:9090`. */
  pinned: string;
  aliases: ReadonlySet<string>;
  /** Behind a reverse proxy (`--public-url`): `X-Forwarded-Host`, when sent, must name the pinned host too. */
  behindProxy: boolean;
}

export function hostPolicy(issuer: string, options: { behindProxy?: boolean } = {}): HostPolicy {
  const url = new URL(issuer);
  const pinned = url.host.toLowerCase();
  const aliases = new Set<string>();
  if (!options.behindProxy && LOOPBACK_NAMES.has(url.hostname)) {
    for (const name of LOOPBACK_NAMES) aliases.add(`${name}:${url.port}`);
    aliases.delete(pinned);
  }
  return { origin: url.origin, pinned, aliases, behindProxy: options.behindProxy ?? false };
}

export type HostVerdict = { kind: 'ok' } | { kind: 'redirect'; location: string } | { kind: 'refuse'; status: 400 | 421; message: string };

/** The first value of a header that proxies may repeat or join with commas. */
function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim().toLowerCase() || undefined;
}

/** Decides one request: the pinned host passes, an alias is redirected (reads) or refused, anything else is refused. */
export function checkHost(policy: HostPolicy, req: Pick<IncomingMessage, 'headers' | 'method' | 'url'>): HostVerdict {
  const host = firstValue(req.headers.host);
  if (!host) return { kind: 'refuse', status: 400, message: 'The request has no Host header' };
  if (policy.behindProxy) {
    const forwarded = firstValue(req.headers['x-forwarded-host']);
    if (forwarded) {
      return forwarded === policy.pinned ? { kind: 'ok' } : { kind: 'refuse', status: 421, message: `This server answers for ${policy.pinned} only, not ${forwarded}` };
    }
  }
  if (host === policy.pinned) return { kind: 'ok' };
  if (policy.aliases.has(host)) {
    if (req.method === 'GET' || req.method === 'HEAD') return { kind: 'redirect', location: `${policy.origin}${req.url ?? '/'}` };
    return { kind: 'refuse', status: 421, message: `Send requests to ${policy.origin} (the issuer), not to ${host}` };
  }
  return { kind: 'refuse', status: 421, message: `This server answers for ${policy.pinned} only, not ${host}` };
}

/**
 * Applies the host policy in front of every route. Returns true when the
 * request may go on; otherwise the answer (a redirect, or a 400/421 as JSON,
 * or a short page for browsers) has been sent. Behind a proxy the accepted
 * request is normalised so the engine (run with `proxy: true`) sees the
 * issuer's own host and scheme, whatever the proxy forwarded.
 */
export function enforceHost(policy: HostPolicy, req: IncomingMessage, res: ServerResponse): boolean {
  const verdict = checkHost(policy, req);
  if (verdict.kind === 'ok') {
    if (policy.behindProxy) {
      req.headers['x-forwarded-host'] = policy.pinned;
      req.headers['x-forwarded-proto'] = new URL(policy.origin).protocol.slice(0, -1);
    }
    return true;
  }
  // The request body is not read: close the connection rather than parse what follows it.
  res.shouldKeepAlive = false;
  if (verdict.kind === 'redirect') {
    res.writeHead(308, { Location: verdict.location, 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(`Moved to ${verdict.location}\n`);
    return false;
  }
  const html = /\btext\/html\b/.test(req.headers.accept ?? '');
  res.writeHead(verdict.status, {
    'Content-Type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(html ? { 'Content-Security-Policy': PAGE_CSP, 'X-Frame-Options': 'DENY' } : {}),
  });
  res.end(html ? errorPage('invalid_request', verdict.message) : JSON.stringify({ error: 'invalid_request', error_description: verdict.message }));
  return false;
}

/**
 * Checks a `--public-url`: an absolute http(s) URL without credentials,
 * path, query or fragment; https, or plain http for a loopback host unless
 * `allowHttp` (a container network such as `http://oauth:9090`). Returns
 * the issuer (the URL's origin) or throws a one-line message.
 */
export function parsePublicUrl(text: string, allowHttp = false): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--public-url must be an absolute URL such as https://auth.example.test, not "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--public-url must use https (or http), not ${url.protocol}`);
  if (url.username || url.password) throw new Error('--public-url must not contain credentials');
  if (url.search || url.hash || text.includes('#') || text.includes('?')) throw new Error('--public-url must not have a query or a fragment');
  if (url.pathname !== '/') throw new Error('--public-url must not have a path: the server answers at the root of its host');
  if (url.protocol === 'http:' && !LOOPBACK_NAMES.has(url.hostname) && !allowHttp) {
    throw new Error(`--public-url ${url.origin} uses plain http for a host that is not loopback: use https, or add --allow-http-public-url to insist`);
  }
  return url.origin;
}
