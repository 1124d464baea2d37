import { CONTENDERS } from "../lib/contenders";
import { ECHO_REQUEST } from "../lib/requests";
import type { Workload } from "../lib/workload";
import { runHttpLoad } from "./http-load";

/** The original table: six servers, one `echo` tool each, `tools/call echo` under load. */
export const echoWorkload: Workload = {
  id: "echo",
  title: "tools/call echo over Streamable HTTP (one tool per server)",
  servers: CONTENDERS.map((c) => c.id),
  run: (ctx) => runHttpLoad({ name: "echo", contenders: CONTENDERS, request: ECHO_REQUEST, env: {} }, ctx),
};
