import type { Protocol, RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolRequest,
  CallToolResultSchema,
  ClientNotification,
  ClientRequest,
  ClientResult,
  CompatibilityCallToolResult,
  CompatibilityCallToolResultSchema,
  CompleteRequest,
  CompleteResult,
  EmptyResult,
  GetPromptRequest,
  GetPromptResult,
  Implementation,
  ListPromptsRequest,
  ListPromptsResult,
  ListResourcesRequest,
  ListResourcesResult,
  ListResourceTemplatesRequest,
  ListResourceTemplatesResult,
  ListToolsRequest,
  ListToolsResult,
  LoggingLevel,
  ReadResourceRequest,
  ReadResourceResult,
  ServerCapabilities,
  SubscribeRequest,
  UnsubscribeRequest,
} from "@modelcontextprotocol/sdk/types.js";

type ClientProtocol = Protocol<ClientRequest, ClientNotification, ClientResult>;

/**
 * The official SDK `Client` as the test kit hands it out (`TestClient.client`): the same object, typed by the
 * methods tests use. The SDK's own `Client` declaration imports an ESM-only package without a `resolution-mode`
 * (TS1541 in a `module: node16` CommonJS project with `skipLibCheck: false`), so it stays out of this package's
 * public types; cast to it (`t.client as Client`) when a test needs the rest.
 *
 * @example
 * ```ts
 * const t = await createTestClient(AdminServer, { as: { subject: "alice", roles: ["admin"] } })
 * await t.client.setLoggingLevel("debug")
 * const { completion } = await t.client.complete({ ref: { type: "ref/prompt", name: "review" }, argument: { name: "repo", value: "mc" } })
 * ```
 */
export interface SdkClient
  extends Pick<ClientProtocol, "request" | "notification" | "setRequestHandler" | "setNotificationHandler" | "removeRequestHandler" | "removeNotificationHandler" | "close"> {
  getServerCapabilities(): ServerCapabilities | undefined;
  getServerVersion(): Implementation | undefined;
  getInstructions(): string | undefined;
  ping(options?: RequestOptions): Promise<EmptyResult>;
  complete(params: CompleteRequest["params"], options?: RequestOptions): Promise<CompleteResult>;
  setLoggingLevel(level: LoggingLevel, options?: RequestOptions): Promise<EmptyResult>;
  getPrompt(params: GetPromptRequest["params"], options?: RequestOptions): Promise<GetPromptResult>;
  listPrompts(params?: ListPromptsRequest["params"], options?: RequestOptions): Promise<ListPromptsResult>;
  listResources(params?: ListResourcesRequest["params"], options?: RequestOptions): Promise<ListResourcesResult>;
  listResourceTemplates(params?: ListResourceTemplatesRequest["params"], options?: RequestOptions): Promise<ListResourceTemplatesResult>;
  readResource(params: ReadResourceRequest["params"], options?: RequestOptions): Promise<ReadResourceResult>;
  subscribeResource(params: SubscribeRequest["params"], options?: RequestOptions): Promise<EmptyResult>;
  unsubscribeResource(params: UnsubscribeRequest["params"], options?: RequestOptions): Promise<EmptyResult>;
  callTool(
    params: CallToolRequest["params"],
    resultSchema?: typeof CallToolResultSchema | typeof CompatibilityCallToolResultSchema,
    options?: RequestOptions,
  ): Promise<CompatibilityCallToolResult>;
  listTools(params?: ListToolsRequest["params"], options?: RequestOptions): Promise<ListToolsResult>;
  sendRootsListChanged(): Promise<void>;
}
