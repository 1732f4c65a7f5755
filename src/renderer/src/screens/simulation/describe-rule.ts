import type { SimulationRule } from '../../../../shared/contract';

const ENDPOINT_LABELS: Record<SimulationRule['endpoint'], string> = {
  authorize: 'Authorization',
  token: 'Token',
  userinfo: 'Userinfo',
  introspection: 'Introspection',
  revocation: 'Revocation',
  registration: 'Registration',
  jwks: 'JWKS',
  resource_api: 'Resource API (/api/v1)',
  mcp: 'MCP server (/mcp)',
};

export function endpointLabel(endpoint: SimulationRule['endpoint']): string {
  return ENDPOINT_LABELS[endpoint];
}

/** What the rule does, in a few words: "Token (client_credentials, Demo App): invalid_grant, next 3 of 5". */
export function describeRule(rule: SimulationRule): string {
  const where = [rule.grantType, rule.appName ?? (rule.appId ? rule.appId : null)].filter(Boolean).join(', ');
  const effect = rule.effect === 'error' ? rule.error : rule.effect === 'status' ? `HTTP ${rule.status} (Retry-After ${rule.retryAfterSeconds ?? 30} s)` : `+${rule.latencyMs} ms`;
  const mode = rule.mode === 'next' ? `next ${rule.remaining} of ${rule.count}` : rule.mode === 'share' ? `${rule.percent}% of requests` : 'until cleared';
  return `${endpointLabel(rule.endpoint)}${where ? ` (${where})` : ''}: ${effect}, ${mode}`;
}

/** "+1 d 2 h", "−30 s": a clock offset for people. */
export function describeOffset(seconds: number): string {
  const sign = seconds < 0 ? '−' : '+';
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return `${sign}${parts.join(' ') || '0 s'}`;
}
