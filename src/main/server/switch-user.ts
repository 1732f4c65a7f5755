import type Provider from 'oidc-provider';

/** The prompts a request asks for, with `login` added. */
function withLoginPrompt(prompt: unknown): string {
  const prompts = new Set(typeof prompt === 'string' ? prompt.split(' ').filter(Boolean) : []);
  prompts.add('login');
  return [...prompts].join(' ');
}

/**
 * "Not you? Switch user": the pending request asks for sign-in again. The
 * interaction's stored parameters gain `prompt=login` and lose `login_hint`
 * (the hinted user is the one being declined), and it is answered with an
 * empty result, so the engine's resume runs the same request again and its
 * login prompt shows the sign-in page, with every user to choose from. The
 * session's user is replaced only when another user signs in: the engine
 * then ends the old session (one user per browser session) before it
 * continues.
 *
 * Returns where to send the browser (the engine's resume URL), or undefined
 * when the interaction no longer exists.
 */
export async function restartSignIn(provider: Provider, uid: string): Promise<string | undefined> {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) return undefined;
  const { login_hint: _declined, ...params } = interaction.params;
  interaction.params = { ...params, prompt: withLoginPrompt(params.prompt) };
  interaction.result = {};
  await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
  return interaction.returnTo;
}
