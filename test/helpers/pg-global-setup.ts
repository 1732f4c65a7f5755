import pg from 'pg';
import { openStore } from '../../src/main/store/database';
import { startThrowawayCluster, type ThrowawayCluster } from './pg-cluster';
import { databaseUrl, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX } from './postgres';

/**
 * Global setup of the `postgres` project: the cluster (OAUTH_CONSOLE_TEST_PG_URL
 * when given, as CI does; else a throwaway one) and the template database every
 * test database is copied from, migrated once here.
 */
export default async function setup(): Promise<() => Promise<void>> {
  let cluster: ThrowawayCluster | undefined;
  if (!process.env.OAUTH_CONSOLE_TEST_PG_URL) {
    cluster = await startThrowawayCluster();
    process.env.OAUTH_CONSOLE_TEST_PG_URL = cluster.url;
  }
  const admin = new pg.Client({ connectionString: process.env.OAUTH_CONSOLE_TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${TEMPLATE_DATABASE}" with (force)`);
    await admin.query(`create database "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  const template = await openStore(databaseUrl(TEMPLATE_DATABASE));
  await template.destroy();
  return async () => {
    if (cluster) return cluster.stop();
    // A cluster of someone else's (CI's): drop the test databases servers left (those not disposed).
    const client = new pg.Client({ connectionString: process.env.OAUTH_CONSOLE_TEST_PG_URL });
    await client.connect();
    try {
      const left = await client.query<{ name: string }>(`select datname as name from pg_database where starts_with(datname, $1)`, [TEST_DATABASE_PREFIX]);
      for (const { name } of left.rows) await client.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await client.end();
    }
  };
}
