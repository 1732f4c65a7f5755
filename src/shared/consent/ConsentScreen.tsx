import { interactionStyles } from './styles';

export interface ConsentAppView {
  name: string;
  clientId: string;
  logoUrl: string | null;
  homepageUrl: string | null;
  privacyUrl: string | null;
  termsUrl: string | null;
  environment: string;
}

export interface ConsentScopeView {
  name: string;
  description: string;
  /** False when the user's role does not allow it: it is shown but not granted. */
  grantable: boolean;
  note?: string;
  /** The user's claims this scope releases to the app (ID token, userinfo), with their values. */
  claims?: Array<{ name: string; value: string }>;
}

export interface ConsentWorkspaceView {
  id: string;
  name: string;
  role: string;
}

/** Where the answer goes: the redirect URI's host, and whether every redirect URI of the app is on this machine. */
export interface ConsentRedirectView {
  host: string;
  /** Only loopback redirect URIs: any program on this machine could be the app (the MCP specification's metadata-document warning). */
  loopbackOnly: boolean;
}

export interface ConsentViewModel {
  app: ConsentAppView;
  /** Absent in older previews; the server always sets it. */
  redirect?: ConsentRedirectView | undefined;
  user: { name: string; email: string };
  workspaces: ConsentWorkspaceView[];
  selectedWorkspaceId: string | null;
  scopes: ConsentScopeView[];
  actor: { mode: string; description: string };
  /** The resource servers the request names (RFC 8707 `resource`): where the scopes apply. */
  resources?: Array<{ name: string; identifier: string }>;
  /** Where the form posts; absent in a preview. */
  action?: string;
  /** Where "Not you? Switch user" posts (sign in again for this request); absent in a preview. */
  switchAction?: string;
  csrf?: string;
  /** A console preview: buttons do nothing. */
  preview?: boolean;
}

export function AppLogo({ name, logoUrl }: { name: string; logoUrl: string | null }) {
  return <div className="oc-logo" aria-hidden="true">{logoUrl ? <img src={logoUrl} alt="" /> : name.slice(0, 1).toUpperCase()}</div>;
}

/**
 * "Not you? Switch user": a submit button of the page's form (it carries the
 * CSRF field) that posts to `action`, where the request asks for sign-in again.
 */
export function SwitchUser({ action, disabled = false, chosen }: { action: string | undefined; disabled?: boolean; chosen?: string }) {
  return (
    <p className="oc-switch">
      {chosen ? `${chosen} is chosen for you. ` : null}Not you?{' '}
      <button className="oc-link" type="submit" formAction={action} formNoValidate disabled={disabled || !action}>
        Switch user
      </button>
    </p>
  );
}

function SafeLink({ href, children }: { href: string | null; children: string }) {
  if (!href || !/^https?:\/\//i.test(href)) return null;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/**
 * The consent screen. The server renders it for the real authorization
 * request; the console renders the very same component as a preview.
 */
export function ConsentScreen({ model }: { model: ConsentViewModel }) {
  const { app, user, workspaces, scopes, actor } = model;
  const disabled = model.preview === true;
  // The real page's card is its <main>; inside the console (a preview) the page already has one.
  const Card = disabled ? 'section' : 'main';
  return (
    <div className="oc-page">
      <style>{interactionStyles}</style>
      <Card className="oc-card" aria-labelledby="oc-consent-title">
        <div className="oc-head">
          <AppLogo name={app.name} logoUrl={app.logoUrl} />
          <div>
            <h1 className="oc-title" id="oc-consent-title">
              {app.name}
              <span className="oc-badge">{app.environment}</span>
            </h1>
            <p className="oc-sub">
              wants to access your account, <strong>{user.name}</strong> ({user.email})
            </p>
          </div>
        </div>
        <form method="post" action={model.action} onSubmit={disabled ? (e) => e.preventDefault() : undefined}>
          {model.csrf ? <input type="hidden" name="csrf" value={model.csrf} /> : null}
          <SwitchUser action={model.switchAction} disabled={disabled} />
          <div className="oc-section">
            <p className="oc-label">Workspace</p>
            {workspaces.length === 0 ? (
              <p className="oc-denied">You are not a member of any workspace, so this app cannot be connected.</p>
            ) : (
              workspaces.map((ws) => (
                <label className="oc-choice" key={ws.id}>
                  <input type="radio" name="workspace_id" value={ws.id} defaultChecked={ws.id === model.selectedWorkspaceId} required />
                  <span>{ws.name}</span>
                  <span className="oc-role">{ws.role}</span>
                </label>
              ))
            )}
          </div>
          <div className="oc-section">
            <p className="oc-label">This app will be able to</p>
            {model.resources?.length ? (
              <p className="oc-sub">
                at{' '}
                {model.resources.map((resource, index) => (
                  <span key={resource.identifier}>
                    {index > 0 ? ', ' : ''}
                    <strong>{resource.name}</strong> <code>{resource.identifier}</code>
                  </span>
                ))}
              </p>
            ) : null}
            <ul className="oc-scopes">
              {scopes.map((scope) => (
                <li key={scope.name}>
                  <span className={scope.grantable ? 'oc-tick' : 'oc-cross'} aria-hidden="true">
                    {scope.grantable ? '✓' : '✕'}
                  </span>
                  <span>
                    <span className="oc-scope-desc">{scope.description}</span>
                    <span className="oc-scope-name">{scope.name}</span>
                    {scope.claims?.length ? (
                      <span className="oc-claims">
                        This app will see:{' '}
                        {scope.claims.map((claim, index) => (
                          <span key={claim.name}>
                            {index > 0 ? ', ' : ''}
                            <code>{claim.name}</code> {claim.value}
                          </span>
                        ))}
                      </span>
                    ) : null}
                    {scope.note ? <span className="oc-denied">{scope.note}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          </div>
          {model.redirect ? (
            <div className="oc-section">
              <p className="oc-label">Sends you back to</p>
              <p style={{ margin: 0 }}>
                <strong>{model.redirect.host}</strong>
              </p>
              {model.redirect.loopbackOnly ? (
                <p className="oc-denied" role="note">
                  This app receives the answer only on this computer ({model.redirect.host}). Any program running here could use this name: approve only if you
                  started {app.name} yourself.
                </p>
              ) : null}
            </div>
          ) : null}
          <div className="oc-section">
            <p className="oc-label">Acts as</p>
            <p style={{ margin: 0 }}>
              <strong>{actor.mode}</strong>: the app {actor.description}.
            </p>
          </div>
          <p className="oc-links">
            <SafeLink href={app.homepageUrl}>Homepage</SafeLink>
            <SafeLink href={app.privacyUrl}>Privacy policy</SafeLink>
            <SafeLink href={app.termsUrl}>Terms of service</SafeLink>
          </p>
          <div className="oc-actions">
            <button className="oc-btn" type="submit" name="decision" value="deny" disabled={disabled}>
              Deny
            </button>
            <button className="oc-btn oc-btn-primary" type="submit" name="decision" value="approve" disabled={disabled || workspaces.length === 0}>
              Approve
            </button>
          </div>
          <p className="oc-note">
            Client ID <code>{app.clientId}</code>. You can revoke this access at any time from the console.
          </p>
        </form>
      </Card>
    </div>
  );
}
