import type { Actor, AdminServer } from '../context';
import type { ConfigDocument } from './config-document';
import { ConfigDocumentError, type DocPath } from './config-errors';
import type { ReportBuilder } from './config-report';
import type { ConfigSource } from './config-source';

/** What the use cases of an apply need from the server. */
export type ConfigCtx = Pick<AdminServer, 'db' | 'settings' | 'activity' | 'clientCache' | 'issuer' | 'webhooks' | 'simulation'>;

/** One apply in progress: the document, who applies it, what it did so far, and the ids its keys resolved to. */
export interface ConfigRun {
  ctx: ConfigCtx;
  actor: Actor;
  source: ConfigSource;
  doc: ConfigDocument;
  report: ReportBuilder;
  /** Workspace id by slug, user id by email: the file's references, resolved once. */
  workspaceIds: Map<string, string>;
  userIds: Map<string, string>;
  /** The id of the app each `apps` entry names (found or created), by the entry's index. */
  appIds: string[];
  /** A document error at `path`, with its line. */
  fail(path: DocPath, message: string): ConfigDocumentError;
}
