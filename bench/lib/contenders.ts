/** One HTTP server under test: a compiled file in bench/servers, run in its own process. */
export interface Contender {
  id: string;
  label: string;
  /** Whether the client must open a session (initialize) before the calls. */
  session: boolean;
  /** Speaks MCP 2026-07-28 to it: no session, the `_meta` envelope and `Mcp-*` headers on every request. */
  modern?: boolean;
  /** The file in bench/servers it runs, when not its id. */
  server?: string;
}

/** The echo workload's servers, in run order. */
export const CONTENDERS: Contender[] = [
  { id: "bare-http", label: "bare node:http + JWT (ceiling)", session: false },
  // The ceiling called by a 2026-07-28 client: what the revision's larger requests cost with no framework at all.
  { id: "bare-http-2026", label: "bare node:http + JWT, 2026-07-28 (ceiling)", session: false, modern: true, server: "bare-http" },
  { id: "sdk-stateless", label: "raw SDK stateless", session: false },
  { id: "sdk-stateful", label: "raw SDK stateful (1 session)", session: true },
  { id: "fastmcp-stateless", label: "fastmcp 4.20 stateless", session: false },
  { id: "mcpcraft-stateless", label: "mcpcraft stateless", session: false },
  { id: "mcpcraft-stateful", label: "mcpcraft stateful (1 session)", session: true },
  // The stateless server again, called by a 2026-07-28 client: the same pipeline, another era.
  { id: "mcpcraft-2026", label: "mcpcraft 2026-07-28 (stateless)", session: false, modern: true, server: "mcpcraft-stateless" },
];

/** The list50 workload's servers: every MCP server above (the ceiling has no tool catalogue to list). */
export const LIST_CONTENDERS: Contender[] = CONTENDERS.filter((c) => (c.server ?? c.id) !== "bare-http");

/** Ratios are computed against these, in every HTTP load table. */
export const BASELINES = [
  { id: "sdk-stateless", name: "raw SDK stateless" },
  { id: "sdk-stateful", name: "raw SDK stateful" },
  { id: "fastmcp-stateless", name: "fastmcp" },
] as const;
