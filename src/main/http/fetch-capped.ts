/** Why a capped fetch gave nothing usable, in words for the person who gave the URL. */
export class CappedFetchError extends Error {}

export interface CappedFetchOptions {
  /** The whole exchange, the body included: a server that sends slowly is cut off too. */
  timeoutMs: number;
  /** A body larger than this is refused (not truncated): the connection is closed at the limit. */
  maxBytes: number;
}

/**
 * GETs a small document from a URL an admin gave (a JWKS): one request, no
 * redirect followed (a 3xx names where to look instead), a timeout over the
 * whole exchange and a size limit checked on `Content-Length` and while
 * reading. Loopback hosts are allowed on purpose: this is a local server,
 * and a local JWKS is the common case. Throws `CappedFetchError`.
 */
export async function fetchCapped(url: string, options: CappedFetchOptions): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'application/jwk-set+json, application/json' } });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new CappedFetchError(`answered ${response.status}, a redirect to ${response.headers.get('location') ?? '(no location)'}, which is not followed: give that URL`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new CappedFetchError(`answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body?.cancel();
      throw new CappedFetchError(`the document is ${declared} bytes, more than the ${options.maxBytes} accepted`);
    }
    return await readWithin(response, options.maxBytes);
  } catch (err) {
    if (err instanceof CappedFetchError) throw err;
    if (signal.aborted) throw new CappedFetchError(`no complete answer within ${options.timeoutMs / 1000} s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CappedFetchError(`could not be fetched (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
}

/** The body as UTF-8, refused as soon as it passes `maxBytes`. */
async function readWithin(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of response.body) {
    total += part.byteLength;
    // Leaving the loop (the throw) cancels the stream, which closes the connection.
    if (total > maxBytes) throw new CappedFetchError(`the document is larger than the ${maxBytes} bytes accepted`);
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}
