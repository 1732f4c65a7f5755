import { AdminError, type FieldError } from '../../../shared/contract/errors';

/** A place in a document: keys and list indexes from its root. */
export type DocPath = ReadonlyArray<string | number>;

/** One thing wrong with a document, where it is. */
export interface ConfigProblem {
  /** `apps[2].redirectUris[0]`; empty for the document as a whole. */
  path: string;
  message: string;
  /** 1-based, when the document's text gives one. */
  line?: number;
}

/** `['apps', 2, 'redirectUris', 0]` → `apps[2].redirectUris[0]`; a key that is no plain name is quoted: `extraClaims["a b"]`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

function describe(problem: ConfigProblem): string {
  const where = [problem.path, problem.line !== undefined ? `line ${problem.line}` : ''].filter(Boolean).join(', ');
  return where ? `${where}: ${problem.message}` : problem.message;
}

/**
 * A document that cannot be applied: every problem names the file, the path
 * in the document (its last step is the field) and the line. An
 * `AdminError` (`invalid_input`), so the contract carries it as it is; its
 * message is one line, for `serve`'s start-up error.
 */
export class ConfigDocumentError extends AdminError {
  readonly file: string;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const first = problems[0] ? describe(problems[0]) : 'the document cannot be applied';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: ${problems.slice(1, 4).map(describe).join('; ')}${problems.length > 4 ? '; …' : ''})` : '';
    const fields: FieldError[] = problems.map((p) => ({ field: p.path, message: p.line !== undefined ? `${p.message} (line ${p.line})` : p.message }));
    super({ code: 'invalid_input', message: `${file}: ${first}${more}`, fields });
    this.file = file;
    this.problems = problems;
  }
}
