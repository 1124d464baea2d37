import "reflect-metadata";

export { createServer, type ServerOptions, type ClassServerOptions, type AuthorizationOptions, type TimeoutOptions } from "./server/create-server";
export { CraftServer, type ListenOptions } from "./server/craft-server";
export type { ListKind } from "./core/connection-registry";
export type { AuthSpec } from "./server/auth-config";
export type { HttpListenOptions, HttpHandlerOptions, HttpListening } from "./transport/http.transport";
export type { StdioListenOptions } from "./transport/stdio.transport";
export type { RedisSessionOptions } from "./transport/redis-session-registry";
export { RedisEventStore, type RedisEventStoreOptions } from "./transport/redis-event-store";
export type { TrustProxy, ForwardedHeader } from "./transport/client-address";
export type { SocketLimits, SocketTimeouts } from "./transport/socket-limits";
export type { CloseOptions } from "./core/pending-work";

export { tool, type ToolSpec } from "./functional/tool";
export { resource, type ResourceSpec } from "./functional/resource";
export { prompt, type PromptSpec } from "./functional/prompt";
export { text, image, audio, embeddedResource, resourceLink, type ContentBlock } from "./functional/content";
export type { AuthorizationFields } from "./contracts/requirement";

export { Server } from "./decorators/server.decorator";
export { Tool } from "./decorators/tool.decorator";
export { Resource } from "./decorators/resource.decorator";
export { Prompt } from "./decorators/prompt.decorator";
export { Ctx } from "./decorators/ctx.decorator";
export { RequireRole } from "./decorators/require-role.decorator";
export { RequireScope } from "./decorators/require-scope.decorator";
export { Authorize } from "./decorators/authorize.decorator";
export { Public } from "./decorators/public.decorator";
export { RateLimit } from "./decorators/rate-limit.decorator";
export { JSONSchema } from "./decorators/json-schema.decorator";
export type { ServerDecoratorOptions, ToolDecoratorOptions, ResourceDecoratorOptions, PromptDecoratorOptions, PromptArgumentSpec, QuotaSpec } from "./metadata";

export type { ToolContext, Policy, SampleOptions, ElicitAnswer, InputOptions } from "./contracts/tool-context";
export type { CallCredentials, OutgoingToken, TokenTarget, ServiceTokenRequest } from "./contracts/call-credentials";
export { OutgoingCredentials, type OutgoingCredentialsOptions } from "./auth/credentials/outgoing-credentials";
export { ServiceTokenSigner, type ServiceTokenSignerOptions } from "./auth/credentials/service-token.signer";
export { CredentialRefusedError, ProviderUnavailableInCallError, type CredentialRefusalReason } from "./auth/credentials/credential-errors";
export { IntegrationRequiredError, type UrlElicitation } from "./auth/integrations/integration-required.error";
export type { IntegrationHandle } from "./contracts/integration";
export type { IntegrationsOptions } from "./auth/integrations/integrations";
export type { IntegrationProviderOptions } from "./auth/integrations/integration-provider";
export { MemoryIntegrationStore, type IntegrationStore } from "./auth/integrations/integration-store";
export { RedisIntegrationStore } from "./auth/integrations/redis-integration.store";
export { TokenSealer, type SealingKey } from "./auth/integrations/token-sealer";
export { UsesIntegration } from "./decorators/uses-integration.decorator";
export type { AuthContext, AuthRequest, TransportKind } from "./contracts/auth-context";
export type { AuthStrategy, ProtectedResourceMetadata } from "./auth/auth-strategy";
export type { AuditEvent, AuditEventInput, AuditFacts, AuditHook } from "./auth/audit";
export type { QuotaOptions } from "./auth/tool-quota";
export { AuthFailureLimiter, type RateLimitOptions, type RateLimitStore } from "./auth/rate-limit";
export type { Logger } from "./logger";
export { createDefaultLogger, redactSecrets, silentLogger } from "./logger";

export { ApiKeyStrategy, API_KEY_OPTIONS, type ApiKeyStrategyOptions, type ApiKeyEntry } from "./auth/strategies/api-key.strategy";
export { JwtStrategy, JWT_OPTIONS, type JwtStrategyOptions } from "./auth/strategies/jwt.strategy";
export { OAuthStrategy, OAUTH_OPTIONS, type OAuthStrategyOptions } from "./auth/strategies/oauth.strategy";
export { CompositeStrategy, anyOf } from "./auth/strategies/composite.strategy";
export { AuthenticateHookStrategy, type AuthenticateHook, type AuthenticateHookOptions } from "./auth/strategies/authenticate-hook.strategy";

export { REQUEST_CONTEXT, AUTH_CONTEXT, LOGGER, RESOURCE_SUBSCRIPTIONS } from "./contracts/tokens";
export type { ResourceSubscriptions } from "./contracts/resource-subscriptions";
export type { Completer } from "./contracts/completer";
export type { Requirement } from "./contracts/requirement";
export {
  McpcraftError,
  ConfigurationError,
  AuthenticationError,
  InvalidRequestError,
  ForbiddenError,
  InsufficientScopeError,
  IdentityProviderUnavailableError,
  AuthenticationTimeoutError,
  RateLimitedError,
  QuotaExceededError,
  TooManyInFlightError,
  SessionStoreUnavailableError,
  NotFoundError,
  ToolTimeoutError,
  JsonRpcCode,
  type AuthFailureReason,
} from "./errors";
