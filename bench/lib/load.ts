/**
 * autocannon, bounded in requests AND time: `amount` caps the requests and
 * a timer stops the run at `maxSeconds`. Throughput is counted here from the
 * responses judged successful, over the time from start to last response
 * (autocannon's own per-second average is skewed by its 1 s ticks).
 */
import autocannon, { type Request as CannonRequest } from 'autocannon';
import { cpuTimeOf, machineBusyMs } from './servers';

export interface LoadSpec {
  origin: string;
  connections: number;
  maxRequests: number;
  maxSeconds: number;
  /** A fixed request (method/path/headers/body) or a sequence with setupRequest/onResponse. */
  request?: Pick<CannonRequest, 'method' | 'path' | 'headers' | 'body'>;
  requests?: CannonRequest[];
  /** Decides, per response, whether it is a success (default: 2xx). Only for `request`. */
  check?: (status: number, body: string) => boolean;
  /** The server's pid, to report its CPU use during the run. */
  serverPid?: number;
}

export interface LoadResult {
  /** Responses judged successful. */
  ok: number;
  /** Responses judged failed, plus socket errors and timeouts. */
  failed: number;
  responses: number;
  seconds: number;
  /** Successful responses per second. */
  okPerSecond: number;
  /** Latency of every response, ms (autocannon's histogram). */
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Server CPU time / wall time during the run (1.0 = one core busy). */
  serverCpu: number | undefined;
  /** Server CPU time during the run (all its threads), ms. */
  serverCpuMs: number | undefined;
  /** Load generator's CPU time / wall time. */
  loaderCpu: number;
  /** Everything else on the machine (other processes) during the run, in cores. */
  otherCpu: number | undefined;
  sampleFailure?: string;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let ok = 0;
  let bad = 0;
  let responses = 0;
  let sampleFailure: string | undefined;
  const check = spec.check ?? ((status: number) => status >= 200 && status < 300);
  const requests: CannonRequest[] = spec.requests ?? [
    {
      ...spec.request,
      onResponse: (status: number, body: string) => {
        if (check(status, body)) ok++;
        else {
          bad++;
          sampleFailure ??= `HTTP ${status}: ${body.slice(0, 200)}`;
        }
      },
    },
  ];
  const serverCpu0 = spec.serverPid ? cpuTimeOf(spec.serverPid) : undefined;
  const loaderCpu0 = process.cpuUsage();
  const machine0 = machineBusyMs();
  const t0 = performance.now();
  let tLast = t0;
  // Without a callback autocannon returns its instance, which is also a promise of the result.
  const instance = autocannon({
    url: spec.origin,
    connections: spec.connections,
    amount: Math.max(spec.maxRequests, spec.connections),
    timeout: 10,
    requests,
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', () => {
    responses++;
    tLast = performance.now();
  });
  const timer = setTimeout(() => instance.stop(), spec.maxSeconds * 1000);
  const result = await instance;
  clearTimeout(timer);
  const seconds = (tLast - t0) / 1000;
  const wall = performance.now() - t0;
  const serverCpu1 = spec.serverPid ? cpuTimeOf(spec.serverPid) : undefined;
  const loaderCpu = process.cpuUsage(loaderCpu0);
  const machine1 = machineBusyMs();
  const serverCores = serverCpu0 !== undefined && serverCpu1 !== undefined ? (serverCpu1 - serverCpu0) / wall : undefined;
  const loaderCores = (loaderCpu.user + loaderCpu.system) / 1000 / wall;
  const otherCpu = machine0 !== undefined && machine1 !== undefined && serverCores !== undefined ? Math.max(0, (machine1 - machine0) / wall - serverCores - loaderCores) : undefined;
  if (spec.requests) ok = responses - result.non2xx; // sequences judge success themselves; this is only a fallback
  return {
    ok,
    failed: bad + result.errors + result.timeouts,
    responses,
    seconds,
    okPerSecond: seconds > 0 ? ok / seconds : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    serverCpu: serverCores,
    serverCpuMs: serverCpu0 !== undefined && serverCpu1 !== undefined ? serverCpu1 - serverCpu0 : undefined,
    loaderCpu: loaderCores,
    otherCpu,
    ...(sampleFailure ? { sampleFailure } : {}),
  };
}
