import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { AdminError } from '../../../shared/contract/errors';
import { ConfigDocumentError, type DocPath } from './config-errors';
import type { ConfigSource } from './config-source';

/** Contract field names that the document spells as references (`workspaceId` is `workspace: <slug>`). */
const DOCUMENT_NAMES: Record<string, string> = { workspaceId: 'workspace', userId: 'user', appId: 'app', registrationWorkspaceId: 'registrationWorkspace' };

function toDocSteps(field: string): Array<string | number> {
  return field
    .split('.')
    .filter(Boolean)
    .map((step) => (/^\d+$/.test(step) ? Number(step) : (DOCUMENT_NAMES[step] ?? step)));
}

/**
 * Runs one use case for the entity declared at `path`; a refusal (a rule of
 * the console: a redirect URI, a PKCE policy, a last OWNER, a taken slug)
 * becomes a document error at that entity's field, with its line.
 */
export async function atEntity<T>(source: ConfigSource, path: DocPath, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof AdminError) || err instanceof ConfigDocumentError) throw err;
    const problems = err.fields.length ? err.fields.map((f) => source.problem([...path, ...toDocSteps(f.field)], f.message)) : [source.problem(path, err.message)];
    throw new ConfigDocumentError(source.file, problems);
  }
}

/** Parses a use case's input built from a declared entity; its issues are the document's, at the entity's fields. */
export function inputAt<S extends z.ZodType>(source: ConfigSource, path: DocPath, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigDocumentError(
    source.file,
    parsed.error.issues.map((issue) => {
      const steps = issue.path.filter((p): p is string | number => typeof p !== 'symbol').map((p) => (typeof p === 'string' ? (DOCUMENT_NAMES[p] ?? p) : p));
      const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
      return source.problem([...path, ...steps], missing ? 'required' : issue.message);
    }),
  );
}

/** The declared fields (among `keys`) whose value differs from the current one: what an update sends. */
export function changedFields(declared: Record<string, unknown>, current: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((key) => declared[key] !== undefined && !isDeepStrictEqual(declared[key], current[key]));
}

/** The entries of `value` named by `keys` that are defined. */
export function pick(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]]));
}
