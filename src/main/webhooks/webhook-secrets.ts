import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, secretHint } from '../secrets/crypto';

/** Standard Webhooks' secret format: `whsec_` and the base64 of 32 random bytes (the HMAC-SHA256 key). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Webhook signing secrets at rest: unlike client secrets they cannot be
 * hashed (the server signs with them), so they are kept encrypted with
 * AES-256-GCM under the master key, like the engine's private keys.
 */
export class WebhookSecrets {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    this.#key = masterKey;
  }

  /** A new secret (shown once), its sealed form and its hint. */
  create(): { secret: string; enc: string; hint: string } {
    const secret = newWebhookSecret();
    return { secret, enc: encrypt(this.#key, secret), hint: secretHint(secret) };
  }

  open(enc: string): string {
    return decrypt(this.#key, enc);
  }
}
