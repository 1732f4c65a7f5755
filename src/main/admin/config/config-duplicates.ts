import type { ConfigDocument } from './config-document';
import { formatPath, type ConfigProblem, type DocPath } from './config-errors';
import type { ConfigSource } from './config-source';

/**
 * Each entity is declared once: a second entry with the same key (a slug, an
 * email, a client id, an identifier, a URL within its app) would make the
 * file's meaning depend on its order. Returns a problem at every repeat.
 */
export function duplicateProblems(source: ConfigSource): ConfigProblem[] {
  const doc: ConfigDocument = source.value;
  const problems: ConfigProblem[] = [];
  const once = (entries: Array<{ key: string | undefined; path: DocPath }>, what: string, secret = false) => {
    const first = new Map<string, DocPath>();
    for (const { key, path } of entries) {
      if (key === undefined) continue;
      const earlier = first.get(key);
      if (earlier) problems.push(source.problem(path, `${secret ? what : `${what} "${key}"`} is declared twice (first at ${formatPath(earlier)})`));
      else first.set(key, path);
    }
  };
  const workspaces = doc.workspaces ?? [];
  once(workspaces.map((w, i) => ({ key: w.slug, path: ['workspaces', i, 'slug'] })), 'the workspace');
  workspaces.forEach((w, i) => {
    once((w.members ?? []).map((m, j) => ({ key: m.user, path: ['workspaces', i, 'members', j, 'user'] })), 'the member');
    once((w.apiKeys ?? []).map((k, j) => ({ key: k.name, path: ['workspaces', i, 'apiKeys', j, 'name'] })), 'the API key');
  });
  once(workspaces.flatMap((w, i) => (w.apiKeys ?? []).map((k, j) => ({ key: k.key, path: ['workspaces', i, 'apiKeys', j, 'key'] }))), 'this API key value', true);
  once((doc.users ?? []).map((u, i) => ({ key: u.email, path: ['users', i, 'email'] })), 'the user');
  once((doc.resources ?? []).map((r, i) => ({ key: r.identifier, path: ['resources', i, 'identifier'] })), 'the resource server');
  const apps = doc.apps ?? [];
  once(apps.map((a, i) => ({ key: a.clientId, path: ['apps', i, 'clientId'] })), 'the client id');
  // An app without clientId is found by its name: no other entry may have that name in its workspace.
  apps.forEach((a, i) => {
    if (a.clientId) return;
    const other = apps.findIndex((b, j) => j !== i && b.workspace === a.workspace && b.name === a.name);
    if (other !== -1) problems.push(source.problem(['apps', i, 'name'], `the app "${a.workspace}/${a.name}" is declared twice (also at ${formatPath(['apps', other])}): give each a clientId`));
  });
  apps.forEach((a, i) => once((a.webhooks ?? []).map((h, j) => ({ key: h.url, path: ['apps', i, 'webhooks', j, 'url'] })), 'the webhook URL'));
  return problems;
}
