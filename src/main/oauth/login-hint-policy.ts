import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../store/database';
import { findUserByHint } from '../store/identity-store';

const { Check, base } = interactionPolicy;

/**
 * The engine's interaction policy with one check added to its login prompt:
 * a `login_hint` that names a known user other than the session's asks for
 * sign-in again. Without it the engine honours the session and skips the
 * sign-in page, so a request meant for Mia (the console's preview, a QA
 * script) is answered as whoever last signed in this browser.
 *
 * The check does not fire once this request has signed someone in
 * (`result.login`): the user may choose another user than the hinted one,
 * and that choice stands. A hint naming no known user is ignored, as the
 * engine ignores hints it cannot use.
 */
export function interactionPolicyWithLoginHint(db: Db): interactionPolicy.DefaultPolicy {
  const policy = base();
  policy.get('login')!.checks.add(
    new Check('login_hint_other_user', 'login_hint names another user than the signed-in one', 'login_required', async (ctx: KoaContextWithOIDC) => {
      const { session, params, result } = ctx.oidc;
      const hint = params?.login_hint;
      if (!session?.accountId || typeof hint !== 'string' || result?.login) return Check.NO_NEED_TO_PROMPT;
      const hinted = await findUserByHint(db, hint);
      return hinted !== undefined && hinted.id !== session.accountId ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
