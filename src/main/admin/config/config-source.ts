import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { ConfigFormat } from '../../../shared/contract/config';
import { configDocumentSchema, type ConfigDocument } from './config-document';
import { ConfigDocumentError, formatPath, type ConfigProblem, type DocPath } from './config-errors';

/** A parsed, valid document, with what it takes to point at its lines. */
export interface ConfigSource {
  file: string;
  value: ConfigDocument;
  /** A problem at `path`, with the line of that place in the text. */
  problem(path: DocPath, message: string): ConfigProblem;
}

/** The node at `path`, or the deepest one on the way (a missing field points at its object). */
function nodeAt(doc: Document, path: DocPath): { node: Node | undefined; keyNode?: Node } {
  let node = doc.contents as Node | null | undefined;
  let keyNode: Node | undefined;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step));
      if (!pair) return { node };
      keyNode = pair.key as Node;
      const value = pair.value as Node | null;
      if (!value) return { node: keyNode };
      node = value;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      keyNode = undefined;
      node = node.items[step] as Node;
    } else {
      return { node: node ?? undefined };
    }
  }
  return { node: node ?? undefined, ...(keyNode ? { keyNode } : {}) };
}

/** The line of a path's key (for a field) or value (for a list item). */
function lineOf(doc: Document, lines: LineCounter, path: DocPath, keyOnly = false): number | undefined {
  const { node, keyNode } = nodeAt(doc, path);
  const target = keyOnly && keyNode ? keyNode : node;
  const offset = target?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** zod's issues as problems at their place; an unknown field is named at its own key's line. */
function schemaProblems(error: z.ZodError, at: (path: DocPath, message: string, keyOnly?: boolean) => ConfigProblem): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => at([...path, key], 'unknown field', true));
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return [at(path, missing ? 'required' : issue.message, missing)];
  });
}

/** JSON when the text starts with `{`; JSON is read by the YAML parser too, so its lines are known either way. */
export function detectFormat(text: string): ConfigFormat {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/**
 * Reads a YAML (or JSON) document and checks it against the document schema.
 * Throws a {@link ConfigDocumentError} naming the file, each path and line:
 * a syntax error, a key given twice in one mapping, an unknown field, a
 * value the contract refuses.
 */
export function readConfigSource(text: string, file: string, format: ConfigFormat = detectFormat(text)): ConfigSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((err) => ({
      path: '',
      message: `${format === 'json' ? 'JSON' : 'YAML'} ${err.code === 'DUPLICATE_KEY' ? 'key given twice in one mapping' : 'syntax error'}: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      ...(err.linePos ? { line: err.linePos[0].line } : {}),
    }));
    throw new ConfigDocumentError(file, problems);
  }
  const at = (path: DocPath, message: string, keyOnly = false): ConfigProblem => {
    const line = lineOf(doc, lines, path, keyOnly);
    return { path: formatPath(path), message, ...(line !== undefined ? { line } : {}) };
  };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    // Aliases that expand too far (a "billion laughs" document), or one that names no anchor.
    throw new ConfigDocumentError(file, [{ path: '', message: `the document cannot be read: ${(err as Error).message}` }]);
  }
  const parsed = configDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigDocumentError(file, schemaProblems(parsed.error, at));
  return { file, value: parsed.data, problem: (path, message) => at(path, message) };
}
