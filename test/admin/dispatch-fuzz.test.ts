import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminDispatcher, type AdminDispatch } from '../../src/main/admin/dispatch';
import { createAdminHandlers } from '../../src/main/admin/handlers';
import { adminContract, PROCEDURE_NAMES, type AdminResult } from '../../src/shared/contract';
import { startTestServer, type TestServer } from '../helpers/server';

const GARBAGE: unknown[] = [null, -1, 0, 1e308, Number.NaN, '', ' ', 'x'.repeat(5000), '\u0000', "' or 1=1 --", '%', '_', [], [null], {}, { $gt: '' }, true, 'oc_app_x'];

function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

describe('the dispatcher under hostile input', () => {
  let server: TestServer;
  let dispatch: AdminDispatch;
  const internal: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ log: (line) => internal.push(line) });
    dispatch = createAdminDispatcher(createAdminHandlers(server), server.activity, (line) => internal.push(line));
  });
  afterAll(() => server.dispose());

  it('answers every procedure, whatever the input, with a result and never an internal error', async () => {
    let calls = 0;
    for (const procedure of PROCEDURE_NAMES) {
      const inputs: unknown[] = [undefined, ...GARBAGE];
      for (const key of keysOf(adminContract[procedure].input)) for (const value of GARBAGE) inputs.push({ [key]: value });
      for (const input of inputs) {
        const result: AdminResult = await dispatch(procedure, input);
        calls++;
        if (!result.ok) {
          expect(result.error.code, `${procedure} ${JSON.stringify(input)?.slice(0, 80)}: ${result.error.message}`).not.toBe('internal');
          expect(result.error.message).not.toMatch(/\bat .+:\d+:\d+/);
          if (result.error.code === 'invalid_input') expect(result.error.fields?.length).toBeGreaterThan(0);
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(internal.filter((line) => !line.startsWith('data folder:'))).toEqual([]);
  }, 120_000);

  it('refuses names that are not procedures, including inherited properties', async () => {
    for (const name of ['toString', '__proto__', 'constructor', 'apps', 'apps.', '', 42, null, {}]) {
      expect(await dispatch(name, {})).toEqual({ ok: false, error: { code: 'unknown_procedure', message: expect.any(String) } });
    }
  });
});
