/**
 * A start-up failure with a message meant for a human, printed as one line
 * (a bad flag, an unusable data folder, a taken port, a damaged database).
 * It is not a request error: requests answer with the admin contract's
 * error family (src/main/http/errors.ts).
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
