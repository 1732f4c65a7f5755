import type { ActivityEvent, AdminClient, ProcedureInput } from '../../../shared/contract';
import { actorOf, summarizeEvent } from '../../../shared/event-summaries';

export type ExportFormat = 'jsonl' | 'csv';
type Filters = Omit<ProcedureInput<'activity.list'>, 'beforeId' | 'afterId' | 'limit'>;

/** The page size of an export: the contract's largest. */
const PAGE = 500;

/**
 * Every event of the current filter, newest first, paged back through the
 * whole log (`beforeId`) so an export is never just the rows on screen.
 * `onProgress` gets the count so far.
 */
export async function fetchAllActivity(client: AdminClient, filters: Filters, onProgress?: (count: number) => void): Promise<ActivityEvent[]> {
  const all: ActivityEvent[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await client.activity.list({ ...filters, limit: PAGE, ...(beforeId !== undefined ? { beforeId } : {}) });
    all.push(...page.items);
    onProgress?.(all.length);
    if (page.nextBeforeId === null) return all;
    beforeId = page.nextBeforeId;
  }
}

/** Who did it, in words: `console`, `api (oc_key_…)`, or empty for the server's own events. */
export function actorLabel(event: Pick<ActivityEvent, 'detail'>): string {
  const actor = actorOf(event.detail);
  if (!actor) return '';
  return actor.principal ? `${actor.via} (${actor.principal})` : actor.via;
}

/** One JSON object per line (JSON Lines): the events as the contract has them, plus their summary. */
export function toJsonLines(events: ActivityEvent[]): string {
  return events.map((e) => JSON.stringify({ ...e, time: new Date(e.at).toISOString(), actor: actorLabel(e) || null, summary: summarizeEvent(e.type, e.detail) })).join('\n') + (events.length ? '\n' : '');
}

const CSV_COLUMNS = ['id', 'time', 'type', 'level', 'app_id', 'app_name', 'user_id', 'workspace_id', 'actor', 'summary', 'detail'] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line
 * break. A field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`)
 * gets a leading apostrophe: the log holds text from requests.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(events: ActivityEvent[]): string {
  const rows = events.map((e) =>
    [String(e.id), new Date(e.at).toISOString(), e.type, e.level, e.clientId ?? '', e.appName ?? '', e.accountId ?? '', e.workspaceId ?? '', actorLabel(e), summarizeEvent(e.type, e.detail), JSON.stringify(e.detail)]
      .map(csvField)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** Saves text as a file through the browser's download (a blob URL; nothing leaves the machine). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
