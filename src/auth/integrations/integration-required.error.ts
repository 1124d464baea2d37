import { JsonRpcCode, ProtocolError } from "../../errors";

/** One URL the user is asked to open (MCP 2025-11-25 `ElicitRequestURLParams`). */
export interface UrlElicitation {
  mode: "url";
  elicitationId: string;
  url: string;
  message: string;
}

/**
 * The caller must connect an account before the call can go on: MCP 2025-11-25's URLElicitationRequiredError,
 * JSON-RPC -32042 with `data.elicitations` (the SDK client raises it as `UrlElicitationRequiredError`).
 *
 * @example
 * ```ts
 * throw new IntegrationRequiredError([{ mode: "url", elicitationId, url, message: "Connect your GitHub account" }])
 * ```
 */
export class IntegrationRequiredError extends ProtocolError {
  override readonly code = "integration_required";

  constructor(readonly elicitations: UrlElicitation[]) {
    super(JsonRpcCode.UrlElicitationRequired, "This request requires connecting an account", { elicitations });
  }
}
