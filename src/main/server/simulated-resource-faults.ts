import type { Context, Middleware } from 'koa';
import type { SimulationEndpoint } from '../../shared/contract/simulation';
import { protectedResourceMetadataUrl } from '../../shared/protected-resource-metadata';
import { writeSimulatedAnswer, type AnswerFace } from '../oauth/simulated-answers';
import { delay } from '../oauth/simulation';
import { authenticateAccessToken, bearerValue } from './bearer';
import { onlyFor } from '../http/pass-by';
import type { RouteContext } from './route-context';
import { SAMPLE_MCP_PATH, sampleMcpUrl as sampleMcpResource } from '../../shared/sample-mcp';

type Deps = Pick<RouteContext, 'provider' | 'db' | 'simulation' | 'issuer'>;

function endpointOf(path: string): SimulationEndpoint | undefined {
  if (path === SAMPLE_MCP_PATH) return 'mcp';
  if (path.startsWith('/api/v1/')) return 'resource_api';
  return undefined;
}

/** The app behind the request's bearer token, read only for rules aimed at one app; a bad token names none (and meets the global rules). */
async function clientOf(deps: Deps, ctx: Context): Promise<string | undefined> {
  try {
    return (await authenticateAccessToken(deps.provider, deps.db, bearerValue(ctx))).clientId;
  } catch {
    return undefined;
  }
}

/**
 * Fault and latency simulation for the sample resource API (`/api/v1/*`)
 * and the sample MCP server (`/mcp`), before either reads the request:
 * bearer errors carry their `WWW-Authenticate` challenge (the MCP server's
 * names its RFC 9728 metadata, as its real refusals do), through the one
 * error mapper.
 */
export function simulatedResourceFaults(deps: Deps): Middleware {
  const mcpFace: AnswerFace = { kind: 'bearer', resourceMetadata: protectedResourceMetadataUrl(sampleMcpResource(deps.issuer)) };
  const apiFace: AnswerFace = { kind: 'bearer' };
  const aimedAt = (ctx: Context) => {
    const endpoint = endpointOf(ctx.path);
    return endpoint !== undefined && deps.simulation.aimsAt(endpoint);
  };
  return onlyFor(aimedAt, async (ctx, next) => {
    const endpoint = endpointOf(ctx.path)!;
    const clientId = deps.simulation.aimsAt(endpoint, 'app') ? await clientOf(deps, ctx) : undefined;
    const verdict = await deps.simulation.decide({ endpoint, clientId });
    if (verdict) await delay(verdict.latencyMs);
    if (!verdict?.answer) return next();
    writeSimulatedAnswer(ctx, verdict.answer, endpoint === 'mcp' ? mcpFace : apiFace);
  });
}
