import type { ConfigChange, ConfigReport } from '../../../shared/contract/config';
import { formatPath, type DocPath } from './config-errors';

/** Collects what an apply created and changed, entity by entity, in document order. */
export class ReportBuilder {
  readonly #changes: ConfigChange[] = [];
  #unchanged = 0;

  created(kind: ConfigChange['kind'], key: string, path: DocPath): void {
    this.#changes.push({ action: 'created', kind, key, path: formatPath(path), fields: [] });
  }

  /** An entity a `prune: true` document no longer names, removed. */
  deleted(kind: ConfigChange['kind'], key: string, path: DocPath): void {
    this.#changes.push({ action: 'deleted', kind, key, path: formatPath(path), fields: [] });
  }

  /** An entity that existed: updated when `fields` changed, else counted as unchanged. */
  updatedOrNot(kind: ConfigChange['kind'], key: string, path: DocPath, fields: string[]): void {
    if (fields.length === 0) this.#unchanged += 1;
    else this.#changes.push({ action: 'updated', kind, key, path: formatPath(path), fields });
  }

  build(source: string, dryRun: boolean): ConfigReport {
    const count = (action: ConfigChange['action']) => this.#changes.filter((c) => c.action === action).length;
    return { source, dryRun, created: count('created'), updated: count('updated'), deleted: count('deleted'), unchanged: this.#unchanged, changes: [...this.#changes] };
  }
}

/** The report as lines for a terminal: a summary, then one line per change (`serve --seed` prints these). */
export function reportLines(report: ConfigReport): string[] {
  const verb = report.dryRun ? 'would apply' : 'applied';
  const summary = `seed ${report.source}: ${verb}, ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged${report.deleted ? `, ${report.deleted} deleted` : ''}`;
  return [
    summary,
    ...report.changes.map((c) => `  ${c.action} ${c.kind} ${c.key} (${c.path})${c.fields.length ? `: ${c.fields.join(', ')}` : ''}`),
  ];
}
