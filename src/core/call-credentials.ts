import { asCallError } from "../auth/credentials/credential-errors";
import type { OutgoingCredentials } from "../auth/credentials/outgoing-credentials";
import type { Integrations } from "../auth/integrations/integrations";
import { IntegrationRequiredError } from "../auth/integrations/integration-required.error";
import type { Call } from "./call";
import { canElicitUrl, connectByRounds, connectInline } from "./integration-elicitation";
import type { IntegrationHandle } from "../contracts/integration";
import type { AuthContext } from "../contracts/auth-context";
import type { CallCredentials, OutgoingToken, ServiceTokenRequest, TokenTarget } from "../contracts/call-credentials";
import { ConfigurationError } from "../errors";

const NOT_CONFIGURED = "ctx.credentials needs createServer({ credentials: { issuer | tokenEndpoint, clientId, clientSecret | privateKey } })";

/**
 * `ctx.credentials` of one call: the server's {@link OutgoingCredentials} with this caller's incoming token
 * bound as the subject of exchanges. The token sits in a native private field, so spreading or logging the
 * context never shows it.
 */
export class CallCredentialsOf implements CallCredentials {
  readonly #outgoing: OutgoingCredentials | undefined;
  readonly #principal: AuthContext | undefined;

  constructor(outgoing: OutgoingCredentials | undefined, principal: AuthContext | undefined) {
    this.#outgoing = outgoing;
    this.#principal = principal;
  }

  async exchange(target: TokenTarget): Promise<OutgoingToken> {
    return await this.server().exchange(this.#principal?.token, target).catch(asCallError);
  }

  async clientCredentials(target?: TokenTarget): Promise<OutgoingToken> {
    return await this.server().clientCredentials(target).catch(asCallError);
  }

  async signServiceToken(request: ServiceTokenRequest): Promise<string> {
    return await this.server().signServiceToken(request);
  }

  private server(): OutgoingCredentials {
    if (!this.#outgoing) throw new ConfigurationError(NOT_CONFIGURED);
    return this.#outgoing;
  }
}

/** `ctx.integration(name)` of one call: the caller and session bound, nothing fetched until asked. */
export function integrationHandle(integrations: Integrations | undefined, call: Call, name: string): IntegrationHandle {
  const server = (): Integrations => {
    if (!integrations?.has(name)) throw new ConfigurationError(`ctx.integration("${String(name).slice(0, 32)}") needs createServer({ integrations: { providers: { ${String(name).slice(0, 32)}: { … } } } })`);
    return integrations;
  };
  return {
    token: async () =>
      server()
        .token(call.principal, call.connection.sessionId, name)
        .catch((err: unknown) => {
          if (!(err instanceof IntegrationRequiredError)) throw err;
          if (call.modern) return connectByRounds(integrations!, call, name, err);
          return integrations!.awaitConnection && canElicitUrl(call) ? connectInline(integrations!, call, name, err) : Promise.reject(err);
        })
        .catch(asCallError),
    connected: async () => server().connected(call.principal, name),
    revoke: async () => server().revoke(call.principal, name).catch(asCallError),
  };
}
