/**
 * Node's built-in SQLite (`node:sqlite`), loaded on first use without its
 * one-line "SQLite is an experimental feature" warning: Node 22 prints it on
 * the first load, and the command-line output is ours to keep clean. Every
 * other warning passes through untouched.
 *
 * Loaded through `process.getBuiltinModule` rather than an import, so the
 * warning can be caught around the one moment it is raised; type imports of
 * 'node:sqlite' elsewhere are erased and load nothing.
 */
type NodeSqlite = typeof import('node:sqlite');

let loaded: NodeSqlite | undefined;

export function nodeSqlite(): NodeSqlite {
  if (loaded) return loaded;
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (isSqliteExperimentalWarning(warning, rest)) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    loaded = process.getBuiltinModule('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
  if (!loaded) throw new Error('this Node has no node:sqlite (Node 22.13 or newer is needed)');
  return loaded;
}

function isSqliteExperimentalWarning(warning: string | Error, rest: unknown[]): boolean {
  const text = typeof warning === 'string' ? warning : warning.message;
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  const name = typeof warning === 'string' ? type : warning.name;
  return name === 'ExperimentalWarning' && /\bSQLite\b/.test(text);
}
