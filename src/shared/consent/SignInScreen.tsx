import { AppLogo, SwitchUser } from './ConsentScreen';
import { interactionStyles } from './styles';

export interface SignInViewModel {
  app: { name: string; logoUrl: string | null };
  users: Array<{ id: string; name: string; email: string; roles: string }>;
  /** The user chosen for them: the request's `login_hint`, else the user this browser is signed in as. */
  hintedUserId: string | null;
  /** Where "Not you? Switch user" posts, when a user was chosen for them. */
  switchAction?: string;
  action: string;
  csrf: string;
  abortAction: string;
}

/** The test-user picker: QA signs in as any seeded identity, no password. */
export function SignInScreen({ model }: { model: SignInViewModel }) {
  const preselected = model.hintedUserId ?? model.users[0]?.id;
  return (
    <div className="oc-page">
      <style>{interactionStyles}</style>
      <main className="oc-card" aria-labelledby="oc-signin-title">
        <div className="oc-head">
          <AppLogo name={model.app.name} logoUrl={model.app.logoUrl} />
          <div>
            <h1 className="oc-title" id="oc-signin-title">
              Sign in to continue to {model.app.name}
            </h1>
            <p className="oc-sub">Choose a test user. This local server asks for no password.</p>
          </div>
        </div>
        {model.users.length === 0 ? (
          <p className="oc-denied">There are no test users yet. Create one in the console, then retry.</p>
        ) : (
          <form method="post" action={model.action}>
            <input type="hidden" name="csrf" value={model.csrf} />
            {model.switchAction ? <SwitchUser action={model.switchAction} chosen={model.users.find((u) => u.id === model.hintedUserId)?.name} /> : null}
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className="oc-label">Test users</legend>
              {model.users.map((user) => (
                <label className="oc-choice" key={user.id}>
                  <input type="radio" name="user_id" value={user.id} defaultChecked={user.id === preselected} required />
                  <span className="oc-user">
                    <span>{user.name}</span>
                    <small>{user.email}</small>
                  </span>
                  <span className="oc-role">{user.roles}</span>
                </label>
              ))}
            </fieldset>
            <div className="oc-actions">
              <button className="oc-btn" type="submit" formAction={model.abortAction} formNoValidate>
                Cancel
              </button>
              <button className="oc-btn oc-btn-primary" type="submit">
                Sign in
              </button>
            </div>
          </form>
        )}
      </main>
    </div>
  );
}
