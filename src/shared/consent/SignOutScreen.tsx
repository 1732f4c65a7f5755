import { AppLogo } from './ConsentScreen';
import { interactionStyles } from './styles';

export interface SignOutViewModel {
  /** The app that sent the user here, when it said (`client_id`, `id_token_hint`). */
  appName: string | null;
  /**
   * The engine's own hidden form (`op.logoutForm`: its action and XSRF
   * field), as the engine built it; the buttons submit it. Absent once the
   * user has signed out.
   */
  engineForm?: string;
}

/**
 * The sign-out question of RP-initiated logout, and the page after it, in
 * the look of the sign-in and consent screens.
 */
export function SignOutScreen({ model }: { model: SignOutViewModel }) {
  const { appName, engineForm } = model;
  const name = appName ?? 'OAuth Console';
  return (
    <div className="oc-page">
      <style>{interactionStyles}</style>
      <main className="oc-card" aria-labelledby="oc-signout-title">
        <div className="oc-head">
          <AppLogo name={name} logoUrl={null} />
          <div>
            <h1 className="oc-title" id="oc-signout-title">
              {engineForm ? `Sign out${appName ? ` of ${appName}` : ''}?` : 'Signed out'}
            </h1>
            <p className="oc-sub">
              {engineForm
                ? 'You are signed in to this authorization server. Signing out ends that session.'
                : `Your sign-out${appName ? ` from ${appName}` : ''} was successful. You can close this window.`}
            </p>
          </div>
        </div>
        {engineForm ? (
          <>
            {/* The engine's markup (its action and escaped XSRF value), not user input. */}
            <div dangerouslySetInnerHTML={{ __html: engineForm }} />
            <div className="oc-actions">
              <button className="oc-btn" type="submit" form="op.logoutForm">
                No, stay signed in
              </button>
              <button className="oc-btn oc-btn-primary" autoFocus type="submit" form="op.logoutForm" value="yes" name="logout">
                Yes, sign me out
              </button>
            </div>
          </>
        ) : null}
      </main>
    </div>
  );
}
