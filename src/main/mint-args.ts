import { parseArgs } from 'node:util';

export const MINT_USAGE = `npm run mint -- --app CLIENT_ID [--user EMAIL_OR_ID] [--scope "openid read:user"] [--resource URL] [--workspace ID] [--actor self|app] [--evaluate] [--url ISSUER]

Mints real tokens through a running server's admin API (tokens.mint), by the same rules as a consent,
and prints them as JSON; --evaluate prints what they would contain instead (tokens.evaluate), issuing nothing.
The admin token comes from $OAUTH_CONSOLE_ADMIN_TOKEN (the one \`npm run serve\` prints in the console URL);
the server from --url, else $OAUTH_CONSOLE_URL, else http://127.0.0.1:9090.
Without --user, --actor app mints the app's bot token (client credentials).`;

export interface MintArgs {
  url: string;
  adminToken: string;
  appId: string;
  user?: string;
  scopes?: string[];
  resource?: string;
  workspaceId?: string;
  actor?: 'self' | 'app';
  evaluate: boolean;
}

/** Parses the mint command's flags; throws an Error with one line to print on a mistake. */
export function parseMintArgs(argv: string[], env: Record<string, string | undefined>): MintArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      app: { type: 'string' },
      user: { type: 'string' },
      scope: { type: 'string' },
      resource: { type: 'string' },
      workspace: { type: 'string' },
      actor: { type: 'string' },
      evaluate: { type: 'boolean', default: false },
      url: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (!values.app) throw new Error('--app CLIENT_ID is required');
  const adminToken = env.OAUTH_CONSOLE_ADMIN_TOKEN;
  if (!adminToken) throw new Error('set OAUTH_CONSOLE_ADMIN_TOKEN to the admin token `npm run serve` printed (the part after #token= of the console URL)');
  if (values.actor !== undefined && values.actor !== 'self' && values.actor !== 'app') throw new Error('--actor must be self or app');
  return {
    url: values.url ?? env.OAUTH_CONSOLE_URL ?? 'http://127.0.0.1:9090',
    adminToken,
    appId: values.app,
    evaluate: values.evaluate,
    ...(values.user ? { user: values.user } : {}),
    ...(values.scope !== undefined ? { scopes: values.scope.split(/[\s,]+/).filter(Boolean) } : {}),
    ...(values.resource ? { resource: values.resource } : {}),
    ...(values.workspace ? { workspaceId: values.workspace } : {}),
    ...(values.actor ? { actor: values.actor } : {}),
  };
}
