import { DEVICE_CODE_GRANT, type App } from '../../../shared/contract';

export interface QuickStartSnippet {
  id: string;
  label: string;
  language: string;
  code: string;
}

function scopeFor(app: App, forUser: boolean): string {
  const scopes = forUser ? app.scopes : app.scopes.filter((s) => !['openid', 'profile', 'email', 'offline_access', 'groups', 'roles'].includes(s));
  return (scopes.length ? scopes : app.scopes).join(' ');
}

/**
 * Ready-to-paste snippets for one app: environment, curl for each grant it
 * allows, and openid-client (v6) for Node. The secret is never known here
 * (it is stored hashed), so snippets read it from `$CLIENT_SECRET`.
 */
export function quickStartSnippets(app: App, issuer: string): QuickStartSnippet[] {
  const confidential = app.clientType === 'confidential';
  const redirect = app.redirectUris[0] ?? 'http://127.0.0.1:8765/callback';
  const snippets: QuickStartSnippet[] = [];
  snippets.push({
    id: 'env',
    label: 'Environment',
    language: 'sh',
    code: [
      `export ISSUER=${issuer}`,
      `export CLIENT_ID=${app.id}`,
      confidential ? `export CLIENT_SECRET=oc_sec_...   # shown once when the app was created or its secret rotated` : `# public client: no secret, PKCE (S256) required`,
      `export REDIRECT_URI=${redirect}`,
    ].join('\n'),
  });
  if (app.grantTypes.includes('client_credentials') && confidential) {
    snippets.push({
      id: 'curl-cc',
      label: 'curl: client credentials',
      language: 'sh',
      code: [
        `curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \\`,
        `  -d scope="${scopeFor(app, false)}" $ISSUER/oauth/token`,
      ].join('\n'),
    });
  }
  if (app.grantTypes.includes('authorization_code')) {
    const auth = confidential ? `-u "$CLIENT_ID:$CLIENT_SECRET"` : `-d client_id="$CLIENT_ID"`;
    snippets.push({
      id: 'curl-code',
      label: 'curl: authorization code + PKCE',
      language: 'sh',
      code: [
        `VERIFIER=$(openssl rand -hex 32)`,
        `CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')`,
        `# 1. open this in a browser, sign in and approve; copy "code" from the redirect`,
        `echo "$ISSUER/oauth/authorize?client_id=$CLIENT_ID&response_type=code&redirect_uri=$REDIRECT_URI&scope=${encodeURIComponent(scopeFor(app, true))}&code_challenge=$CHALLENGE&code_challenge_method=S256&state=xyz"`,
        `# 2. exchange the code`,
        `curl -s ${auth} -d grant_type=authorization_code -d code="$CODE" \\`,
        `  -d redirect_uri="$REDIRECT_URI" -d code_verifier="$VERIFIER" $ISSUER/oauth/token`,
        `# 3. call the sample API`,
        `curl -s -H "Authorization: Bearer $ACCESS_TOKEN" $ISSUER/api/v1/me`,
      ].join('\n'),
    });
  }
  if (app.grantTypes.includes(DEVICE_CODE_GRANT)) {
    const auth = confidential ? `-u "$CLIENT_ID:$CLIENT_SECRET"` : `-d client_id="$CLIENT_ID"`;
    snippets.push({
      id: 'curl-device',
      label: 'curl: device code (RFC 8628)',
      language: 'sh',
      code: [
        `# 1. start: note device_code, and open verification_uri_complete in a browser to approve`,
        `curl -s ${auth} -d scope="${scopeFor(app, true)}" $ISSUER/oauth/device/auth`,
        `# 2. poll every "interval" seconds until it answers with tokens (authorization_pending before)`,
        `curl -s ${auth} -d grant_type=${DEVICE_CODE_GRANT} \\`,
        `  -d device_code="$DEVICE_CODE" $ISSUER/oauth/token`,
      ].join('\n'),
    });
  }
  const clientAuth = confidential ? `client.ClientSecretBasic(process.env.CLIENT_SECRET)` : `client.None()`;
  const nodeLines = [
    `import * as client from 'openid-client'; // v6`,
    ``,
    `const config = await client.discovery(new URL('${issuer}'), '${app.id}', undefined,`,
    `  ${clientAuth}, { execute: [client.allowInsecureRequests] });`,
  ];
  if (app.grantTypes.includes('client_credentials') && confidential) {
    nodeLines.push(``, `const tokens = await client.clientCredentialsGrant(config, { scope: '${scopeFor(app, false)}' });`);
  }
  if (app.grantTypes.includes('authorization_code')) {
    nodeLines.push(
      ``,
      `const verifier = client.randomPKCECodeVerifier();`,
      `const url = client.buildAuthorizationUrl(config, {`,
      `  redirect_uri: '${redirect}', scope: '${scopeFor(app, true)}',`,
      `  code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',`,
      `});`,
      `// after the redirect back to ${redirect}:`,
      `const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), { pkceCodeVerifier: verifier });`,
    );
  }
  snippets.push({ id: 'node', label: 'Node: openid-client', language: 'js', code: nodeLines.join('\n') });
  return snippets;
}
