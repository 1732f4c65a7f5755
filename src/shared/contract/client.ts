import { AdminError } from './errors';
import { adminContract, type ProcedureInput, type ProcedureName, type ProcedureOutput } from './procedures';

/**
 * Carries one call to the admin service and resolves with the procedure's
 * output, or rejects with an AdminError. IPC (preload) and HTTP (web console,
 * scripts) each provide one; nothing above it knows which runs.
 */
export type AdminTransport = (procedure: ProcedureName, input: unknown) => Promise<unknown>;

type InputArgs<P extends ProcedureName> = Record<string, never> extends ProcedureInput<P> ? [input?: ProcedureInput<P>] : [input: ProcedureInput<P>];
type DomainOf<P> = P extends `${infer D}.${string}` ? D : never;
type VerbOf<P, D extends string> = P extends `${D}.${infer V}` ? V : never;
type Call<P extends ProcedureName> = (...args: InputArgs<P>) => Promise<ProcedureOutput<P>>;

/** `client.apps.create({...})`, `client.tokens.list({...})`, ... one method per procedure. */
export type AdminClientDomains = {
  [D in DomainOf<ProcedureName>]: { [V in VerbOf<ProcedureName, D>]: `${D}.${V}` extends ProcedureName ? Call<`${D}.${V}`> : never };
};

export type AdminClient = AdminClientDomains & {
  /** The same call by name, for generic code such as react-query hooks keyed by procedure. */
  call<P extends ProcedureName>(procedure: P, ...args: InputArgs<P>): Promise<ProcedureOutput<P>>;
};

/**
 * Builds the typed admin client over a transport.
 *
 * @example
 * const admin = createAdminClient(createHttpTransport({ baseUrl, token }));
 * const { items } = await admin.apps.list({ search: 'demo' });
 */
export function createAdminClient(transport: AdminTransport): AdminClient {
  const call = async (procedure: ProcedureName, input?: unknown): Promise<unknown> => {
    try {
      return await transport(procedure, input ?? {});
    } catch (err) {
      if (err instanceof AdminError) throw err;
      throw new AdminError({ code: 'unavailable', message: `The admin service could not be reached: ${(err as Error)?.message ?? String(err)}` });
    }
  };
  const domains: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const procedure of Object.keys(adminContract) as ProcedureName[]) {
    const dot = procedure.indexOf('.');
    const domain = procedure.slice(0, dot);
    const verb = procedure.slice(dot + 1);
    (domains[domain] ??= {})[verb] = (input?: unknown) => call(procedure, input);
  }
  return { ...domains, call } as unknown as AdminClient;
}
