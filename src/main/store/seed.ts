import type { Db } from './database';
import { insertApp } from './apps-store';
import { newId } from './identity-store';
import { getRawSetting, setRawSetting } from './settings-store';

export interface SeedResult {
  workspaceId: string;
  appId: string;
  /** Only on the run that created the app; never stored in plaintext. */
  clientSecret: string | null;
}

const DEMO_USERS = [
  { key: 'owner', email: 'olivia.owner@example.test', name: 'Olivia Owner', given: 'Olivia', family: 'Owner', role: 'OWNER', groups: ['engineering', 'leads'] },
  { key: 'admin', email: 'adam.admin@example.test', name: 'Adam Admin', given: 'Adam', family: 'Admin', role: 'ADMIN', groups: ['engineering'] },
  { key: 'member', email: 'mia.member@example.test', name: 'Mia Member', given: 'Mia', family: 'Member', role: 'MEMBER', groups: ['support'] },
] as const;

/**
 * On first run: a demo workspace with an owner, an admin and a member, and
 * one confidential demo app whose redirect URIs suit local development.
 * Idempotent: the `seeded` setting records that it ran.
 */
export async function seedDemoData(db: Db): Promise<SeedResult | undefined> {
  if (await getRawSetting(db, 'seeded')) return undefined;
  const now = Date.now();
  const workspaceId = newId('ws');
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('workspaces').values({ id: workspaceId, name: 'Demo Workspace', slug: 'demo', created_at: now }).execute();
    for (const [i, u] of DEMO_USERS.entries()) {
      const userId = newId('usr');
      await trx
        .insertInto('users')
        .values({
          id: userId,
          email: u.email,
          name: u.name,
          given_name: u.given,
          family_name: u.family,
          picture: null,
          groups: JSON.stringify(u.groups),
          created_at: now + i,
        })
        .execute();
      await trx.insertInto('memberships').values({ workspace_id: workspaceId, user_id: userId, role: u.role, created_at: now + i }).execute();
    }
  });
  const { app, clientSecret } = await insertApp(db, {
    workspaceId,
    name: 'Demo App',
    description: 'A confidential web app seeded on first run, for trying flows with curl or a client library.',
    homepageUrl: 'http://localhost:3000',
    clientType: 'confidential',
    redirectUris: ['http://localhost:3000/callback', 'http://127.0.0.1:8765/callback'],
    postLogoutRedirectUris: ['http://localhost:3000/'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'groups', 'roles', 'read:user', 'read:organization', 'write:organization', 'read:members'],
    actorModes: ['self', 'app'],
    environment: 'development',
    origin: 'seed',
  });
  await setRawSetting(db, 'seeded', JSON.stringify({ at: now, workspaceId, appId: app.id }));
  await setRawSetting(db, 'registration_workspace', workspaceId);
  return { workspaceId, appId: app.id, clientSecret };
}

/**
 * A first run with a seed file (which declares the state itself) gets no
 * demo data: this records the first run as done, so a later run without the
 * file adds no demo either. Written in the seed's unit of work: a seed that
 * fails leaves the database as it was.
 */
export async function markSeededWithoutDemo(db: Db): Promise<void> {
  if (await getRawSetting(db, 'seeded')) return;
  await setRawSetting(db, 'seeded', JSON.stringify({ at: Date.now(), demo: false }));
}
