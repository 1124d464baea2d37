import { TOOLS_ENV } from "../lib/catalogue";
import { LIST_CONTENDERS } from "../lib/contenders";
import { listRequest } from "../lib/requests";
import type { Workload } from "../lib/workload";
import { runHttpLoad } from "./http-load";

const TOOLS = 50;

/**
 * `tools/list` against servers holding 50 tools: the per-request cost of describing a realistic catalogue
 * (schema conversion and serialisation), which the one-tool echo table hides.
 */
export const list50Workload: Workload = {
  id: "list50",
  title: `tools/list over Streamable HTTP (${TOOLS} tools per server)`,
  servers: LIST_CONTENDERS.map((c) => c.id),
  run: (ctx) => runHttpLoad({ name: "list50", contenders: LIST_CONTENDERS, request: listRequest(TOOLS), env: { [TOOLS_ENV]: String(TOOLS) } }, ctx),
};
