import { by, type Actor } from '../context';
import { tryWithoutKeeping, unitOfWork } from '../../store/database';
import type { ConfigFormat, ConfigReport } from '../../../shared/contract/config';
import { applyApps } from './apply-apps';
import { applyApiKeys, applyMembers, applyUsers, applyWorkspaces } from './apply-identity';
import { applyPrune } from './apply-prune';
import { applyResources, applySettings } from './apply-server';
import { applySimulation } from './apply-simulation';
import { duplicateProblems } from './config-duplicates';
import { ConfigDocumentError } from './config-errors';
import { ReportBuilder } from './config-report';
import type { ConfigCtx, ConfigRun } from './config-run';
import { readConfigSource } from './config-source';

export interface ApplyOptions {
  actor: Actor;
  /** The file's name or path, for errors, the report and the activity log. */
  file: string;
  format?: ConfigFormat;
  /** Run every step, report, and keep nothing. */
  dryRun?: boolean;
}

/**
 * Applies a configuration document through the console's use cases, in one
 * unit of work: workspaces, users, members, API keys, resource servers,
 * apps (with their secrets and webhooks), simulation rules, then settings. Idempotent: what
 * already matches is counted unchanged, and nothing is written for it.
 * Entities in the database that the document does not name are left alone,
 * unless it says `prune: true` (then they are removed, see apply-prune.ts).
 * Any problem throws a {@link ConfigDocumentError} and nothing is kept. One
 * `config.applied` event records the counts (the use cases record their own
 * events for each change, as from the console).
 */
export async function applyConfig(ctx: ConfigCtx, text: string, options: ApplyOptions): Promise<ConfigReport> {
  const source = readConfigSource(text, options.file, options.format);
  const duplicates = duplicateProblems(source);
  if (duplicates.length) throw new ConfigDocumentError(source.file, duplicates);
  const dryRun = options.dryRun ?? false;
  const work = async () => {
    const run: ConfigRun = {
      ctx,
      actor: options.actor,
      source,
      doc: source.value,
      report: new ReportBuilder(),
      workspaceIds: new Map(),
      userIds: new Map(),
      appIds: [],
      fail: (path, message) => new ConfigDocumentError(source.file, [source.problem(path, message)]),
    };
    await applyWorkspaces(run);
    await applyUsers(run);
    await applyMembers(run);
    await applyApiKeys(run);
    await applyResources(run);
    await applyApps(run);
    await applySimulation(run);
    await applySettings(run);
    if (run.doc.prune) await applyPrune(run);
    const report = run.report.build(source.file, dryRun);
    ctx.activity.record({ type: 'config.applied', detail: { ...by(options.actor), source: report.source, created: report.created, updated: report.updated, deleted: report.deleted, unchanged: report.unchanged } });
    return report;
  };
  return dryRun ? tryWithoutKeeping(ctx.db, work) : unitOfWork(ctx.db, work);
}
