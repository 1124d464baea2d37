import { MB } from "./format";
import type { ChildHandle } from "./spawn";
import type { WorkloadContext } from "./workload";

export interface ServerRef {
  id: string;
  label: string;
}

/** What every measurement of one server in one round holds, whatever the workload measures besides. */
export interface ServerMeasurement extends ServerRef {
  round: number;
  /** Spawn → ready; what "ready" means is the workload's (listening line, or first answer over stdio). */
  coldStartMs?: number;
  /**
   * Spawn → the first answered request (after the session opened, for stateful servers): what a lazily loaded
   * library moves out of the cold start lands here, so the two are read together.
   */
  firstAnswerMs?: number;
  /** RSS before the first measured request. */
  idleRssMB?: number;
  /** Why this measurement has no figures. */
  failure?: string;
}

/**
 * Starts a server, records its cold start and idle RSS into `m`, runs `body` against it and always stops it,
 * so a failing measurement leaves no process behind.
 */
export async function withServer<H extends ChildHandle & { coldStartMs: number }>(
  start: () => Promise<H>,
  m: ServerMeasurement,
  body: (server: H) => Promise<void>,
): Promise<void> {
  const server = await start();
  try {
    m.coldStartMs = server.coldStartMs;
    m.idleRssMB = (await server.stats()).rss / MB;
    await body(server);
  } finally {
    await server.stop();
  }
}

/**
 * Measures every selected server once per round, the servers in turn within a round so a slow drift of the
 * machine does not favour one of them. `take` fills in the measurement it is given; if it throws, the
 * measurement is kept with its `failure`, and the run goes on with the next server. When `again` says so
 * (e.g. other processes disturbed it), the server is measured once more in the same round, both kept.
 */
export async function eachRound<S extends ServerRef, M extends ServerMeasurement>(
  ctx: WorkloadContext,
  workload: string,
  servers: readonly S[],
  take: (server: S, m: M) => Promise<void>,
  describe: (m: M) => string,
  again: (m: M, attempt: number) => boolean = () => false,
): Promise<M[]> {
  const { rounds } = ctx.settings;
  const measurements: M[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const server of servers.filter((s) => ctx.selected(s.id))) {
      ctx.log(`${workload} · round ${round}/${rounds} · ${server.id} …`);
      for (let attempt = 0; ; attempt++) {
        // Only the common fields exist until `take` fills in the rest, which are all optional.
        const m = { round, id: server.id, label: server.label } as M;
        measurements.push(m);
        try {
          await take(server, m);
        } catch (err) {
          m.failure = (err as Error).message;
          ctx.log(`  FAILED: ${m.failure}`);
          break;
        }
        ctx.log(`  ${describe(m)}`);
        if (!again(m, attempt)) break;
      }
    }
  }
  return measurements;
}
