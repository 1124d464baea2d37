import autocannon from "autocannon";
import type { LoadRequest } from "./requests";

export interface LoadFigures {
  /** Completed responses divided by the measured seconds. */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Connection errors (timeouts included). */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses whose body failed the request's check (every non-2xx is one too). */
  mismatches: number;
  statusCodes: Record<string, number>;
  seconds: number;
}

/** `connections` clients sending `request` back to back for `seconds`, every answer checked. */
export async function runLoad(url: string, headers: Record<string, string>, request: LoadRequest, seconds: number, connections: number): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: seconds,
    headers,
    body: request.body,
    idReplacement: true,
    verifyBody: request.verify,
    timeout: 10,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = Number(count);
  const completed = result.requests.total;
  return {
    reqPerSec: completed / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    completed,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    statusCodes,
    seconds: result.duration,
  };
}
