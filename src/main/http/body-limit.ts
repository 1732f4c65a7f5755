/** Largest body our own routes (sign-in and consent forms, the management and resource APIs) read. */
export const OWN_BODY_LIMIT = 100 * 1024;

/** The answer to a body over `limit` bytes (413), the same on every body-taking endpoint. */
export function tooLargeBody(limit: number): { error: 'invalid_request'; error_description: string } {
  return { error: 'invalid_request', error_description: `request body too large (limit ${Math.round(limit / 1024)} KB)` };
}
