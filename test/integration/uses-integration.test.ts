// @UsesIntegration on a decorated server: the tool does not run until the caller has connected the provider,
// and a provider no one configured is refused at createServer.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { UrlElicitationRequiredError } from "@modelcontextprotocol/sdk/types.js";
import { ConfigurationError, createServer, Ctx, Server, Tool, UsesIntegration, type ToolContext } from "../../src";
import { createTestClient } from "../../src/testing";

const providers = {
  github: { authorizationEndpoint: "https://github.com/login/oauth/authorize", tokenEndpoint: "https://github.com/login/oauth/access_token", clientId: "c", clientSecret: "s" },
  slack: { authorizationEndpoint: "https://slack.com/oauth/v2/authorize", tokenEndpoint: "https://slack.com/api/oauth.v2.access", clientId: "c", displayName: "Slack" },
};
let ran = 0;

@Server({ name: "integrated" })
class IntegratedServer {
  @Tool({ description: "Needs GitHub and Slack" })
  @UsesIntegration("github", "slack")
  async crossPost(@Ctx() ctx: ToolContext) {
    ran++;
    return (await ctx.integration("github").connected()) ? "posted" : "not connected";
  }
}

@Server({ name: "misconfigured" })
class MisconfiguredServer {
  @Tool({ description: "Needs Jira" })
  @UsesIntegration("jira")
  async sync() {
    return "synced";
  }
}

describe("@UsesIntegration", () => {
  it("asks for every missing provider in one -32042 answer, before the tool runs", async () => {
    const t = await createTestClient(IntegratedServer, {
      as: { subject: "alice" },
      integrations: { providers, redirectUri: "https://mcp.example.com/oauth/callback", encryptionKeys: [{ id: "k", key: randomBytes(32) }] },
    });
    try {
      const err = await t.client.callTool({ name: "cross_post", arguments: {} }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof UrlElicitationRequiredError, String(err));
      assert.deepEqual(err.elicitations.map((e) => new URL(e.url).origin), ["https://github.com", "https://slack.com"]);
      for (const e of err.elicitations) assert.equal(new URL(e.url).searchParams.get("redirect_uri"), "https://mcp.example.com/oauth/callback");
      assert.equal(ran, 0);
    } finally {
      await t.close();
    }
  });

  it("refuses, at createServer, a tool using a provider the server does not configure", () => {
    assert.throws(() => createServer(MisconfiguredServer, { integrations: { providers } }), (e: unknown) => e instanceof ConfigurationError && /integration "jira"/.test(e.message));
    assert.throws(() => createServer(MisconfiguredServer), ConfigurationError);
  });

  it("refuses a shared store without encryption keys", () => {
    const store = { get: async () => undefined, set: async () => undefined, take: async () => undefined, delete: async () => undefined };
    const saved = process.env.MCPCRAFT_INTEGRATION_KEYS;
    delete process.env.MCPCRAFT_INTEGRATION_KEYS;
    try {
      assert.throws(() => createServer(IntegratedServer, { integrations: { providers, store } }), /MCPCRAFT_INTEGRATION_KEYS/);
    } finally {
      if (saved !== undefined) process.env.MCPCRAFT_INTEGRATION_KEYS = saved;
    }
  });
});
