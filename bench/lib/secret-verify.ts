/** The hashed client-secret check, measured directly: verifySecret() from src/main/secrets/crypto.ts. */
import { hashSecret, randomSecret, verifySecret } from '../../src/main/secrets/crypto';

export interface SecretVerifyResult {
  calls: number;
  /** Mean cost of one verifySecret() with the right secret, microseconds. */
  usPerCall: number;
  /** Mean cost with a wrong secret of the same length, microseconds. */
  usPerWrongCall: number;
}

export function benchSecretVerify(calls = 100_000): SecretVerifyResult {
  const secret = randomSecret('oc_sec_');
  const stored = hashSecret(secret);
  const wrong = randomSecret('oc_sec_');
  const measure = (presented: string, expected: boolean) => {
    for (let i = 0; i < 5_000; i++) verifySecret(presented, stored); // warm-up
    const t0 = process.hrtime.bigint();
    let matches = 0;
    for (let i = 0; i < calls; i++) if (verifySecret(presented, stored)) matches++;
    const ns = Number(process.hrtime.bigint() - t0);
    if (matches !== (expected ? calls : 0)) throw new Error('verifySecret gave a wrong answer');
    return ns / calls / 1000;
  };
  return { calls, usPerCall: measure(secret, true), usPerWrongCall: measure(wrong, false) };
}
