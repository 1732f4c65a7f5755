import { AdminError, createAdminClient, createHttpTransport, type AdminClient } from '../shared/contract';
import { MINT_USAGE, parseMintArgs } from './mint-args';

/** A user by id, or by email (looked up with users.list). */
async function userIdOf(admin: AdminClient, user: string): Promise<string> {
  if (!user.includes('@')) return user;
  const { items } = await admin.users.list({ search: user });
  const found = items.find((u) => u.email === user.toLowerCase());
  if (!found) throw new Error(`no test user has the email ${user}`);
  return found.id;
}

/**
 * `npm run mint`: "Mint a token" (or "Evaluate") from a terminal, over the
 * admin HTTP API of a running server. Prints the result as JSON on stdout;
 * a refusal prints the server's message and each field problem, exit 1.
 */
async function main(): Promise<void> {
  const args = parseMintArgs(process.argv.slice(2), process.env);
  if (args === 'help') {
    console.log(MINT_USAGE);
    return;
  }
  const admin = createAdminClient(createHttpTransport({ baseUrl: args.url, token: args.adminToken }));
  const input = {
    appId: args.appId,
    ...(args.user ? { userId: await userIdOf(admin, args.user) } : {}),
    ...(args.scopes ? { scopes: args.scopes } : {}),
    ...(args.resource ? { resource: args.resource } : {}),
    ...(args.workspaceId ? { workspaceId: args.workspaceId } : {}),
    ...(args.actor ? { actor: args.actor } : {}),
  };
  const result = args.evaluate ? await admin.tokens.evaluate(input) : await admin.tokens.mint(input);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err: unknown) => {
  if (err instanceof AdminError) {
    console.error(`oauth-console mint: ${err.message}`);
    for (const field of err.fields) console.error(`  ${field.field}: ${field.message}`);
  } else {
    console.error(`oauth-console mint: ${(err as Error)?.message ?? String(err)}`);
  }
  process.exit(1);
});
