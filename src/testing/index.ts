import "reflect-metadata";

export { createTestClient, type TestClient, type TestClientOptions } from "./test-client";
export type { SdkClient } from "./sdk-client";
export { MockAuthStrategy, MOCK_AUTH_OPTIONS, type MockAuthOptions, type MockPrincipal } from "./mock-auth.strategy";
export { TestIdentityProvider } from "./identity-provider";
export { signTestJwt, type SignTestJwtOptions, type TestJwtAlgorithm } from "./sign-test-jwt";
export { FakeOAuthProvider, type FakeOAuthProviderStats } from "./fake-oauth-provider";
