import { Worker } from 'node:worker_threads';
import { damageSummary } from './integrity';
import { fromNodeSqliteError } from './sqlite-errors';

/**
 * The worker's whole program, plain CommonJS evaluated from this string, so
 * it needs no file of its own next to the bundle (tsx, electron-vite and the
 * package build all ship it the same way). It opens the file read-only,
 * runs the one check and posts its rows, or the failure's fields.
 * node:sqlite's "experimental" warning is dropped there as in the server.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const emit = process.emitWarning;
process.emitWarning = (w, ...rest) => {
  const t = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
  if ((typeof w === 'string' ? t : w.name) === 'ExperimentalWarning' && /\\bSQLite\\b/.test(typeof w === 'string' ? w : w.message)) return;
  return emit.call(process, w, ...rest);
};
let db;
try {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  db = new DatabaseSync(workerData.file, { readOnly: true });
  const rows = db.prepare('pragma ' + workerData.kind).all().map((row) => String(Object.values(row)[0] ?? ''));
  parentPort.postMessage({ rows });
} catch (err) {
  parentPort.postMessage({ error: { message: String(err && err.message), errcode: err && err.errcode, errstr: err && err.errstr } });
} finally {
  try { db && db.close(); } catch {}
}
`;

interface WorkerAnswer {
  rows?: string[];
  error?: { message: string; errcode?: number; errstr?: string };
}

/**
 * `checkFileIntegrity` on a thread of its own: node:sqlite is synchronous,
 * so a `quick_check` of a big file (most of a second per 1,000,000 tokens)
 * run on the server's thread would hold every request, the first one
 * included, until it ends. Same answer: null when sound, else the one-line
 * verdict; a check stopped by damage rejects with the SQLite error
 * (`code` SQLITE_CORRUPT, SQLITE_NOTADB, …).
 */
export function checkFileIntegrityOffThread(file: string, kind: 'quick_check' | 'integrity_check'): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, kind }, stdout: false, stderr: false });
    // A check running when the server stops must not keep the process alive.
    worker.unref();
    let answered = false;
    worker.once('message', (answer: WorkerAnswer) => {
      answered = true;
      if (answer.rows) return resolve(damageSummary(answer.rows));
      const { message, errcode, errstr } = answer.error ?? { message: 'the check gave no answer' };
      reject(fromNodeSqliteError(Object.assign(new Error(message), { errcode, errstr })));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the integrity check's thread stopped (exit ${code}) before answering`));
    });
  });
}
