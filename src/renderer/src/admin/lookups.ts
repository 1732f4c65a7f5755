import { useMemo } from 'react';
import type { App, User, Workspace } from '../../../shared/contract';
import { useAdminQuery } from './hooks';

export interface Lookups {
  apps: App[];
  users: User[];
  workspaces: Workspace[];
  appName(id: string | null): string | null;
  userLabel(id: string | null): string | null;
  workspaceName(id: string | null): string | null;
}

/** Apps, users and workspaces by id, for filters and for naming ids in tables. */
export function useLookups(): Lookups {
  const apps = useAdminQuery('apps.list', { limit: 200 });
  const users = useAdminQuery('users.list', {});
  const workspaces = useAdminQuery('workspaces.list', {});
  return useMemo(() => {
    const appList = apps.data?.items ?? [];
    const userList = users.data?.items ?? [];
    const workspaceList = workspaces.data?.items ?? [];
    const appsById = new Map(appList.map((a) => [a.id, a]));
    const usersById = new Map(userList.map((u) => [u.id, u]));
    const workspacesById = new Map(workspaceList.map((w) => [w.id, w]));
    return {
      apps: appList,
      users: userList,
      workspaces: workspaceList,
      appName: (id) => (id ? (appsById.get(id)?.name ?? null) : null),
      userLabel: (id) => (id ? (usersById.get(id)?.name ?? null) : null),
      workspaceName: (id) => (id ? (workspacesById.get(id)?.name ?? null) : null),
    };
  }, [apps.data, users.data, workspaces.data]);
}

export function appOptions(apps: App[]) {
  return apps.map((a) => ({ value: a.id, label: a.name }));
}

export function userOptions(users: User[]) {
  return users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));
}

export function workspaceOptions(workspaces: Workspace[]) {
  return workspaces.map((w) => ({ value: w.id, label: w.name }));
}
