import autocannon from "autocannon";
import { CALL_BODY, verifyEcho } from "./mcp-client";

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
  /** Responses whose body failed {@link verifyEcho} (every non-2xx is one too). */
  mismatches: number;
  statusCodes: Record<string, number>;
  seconds: number;
}

/** `connections` clients sending the echo tools/call back to back for `seconds`, every answer checked. */
export async function runLoad(url: string, headers: Record<string, string>, seconds: number, connections: number): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: seconds,
    headers,
    body: CALL_BODY,
    idReplacement: true,
    verifyBody: verifyEcho,
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
