import assert from "node:assert/strict";
import { audienceMatches, canonicalResource } from "../../../../src/auth/token/audience";

describe("canonicalResource", () => {
  it("lower-cases scheme and host, drops the fragment, default port and one trailing slash", () => {
    assert.equal(canonicalResource("HTTPS://API.Example.com:443/mcp/#frag"), "https://api.example.com/mcp");
    assert.equal(canonicalResource("https://api.example.com"), "https://api.example.com");
  });
  it("keeps path case and queries, and leaves non-URLs alone", () => {
    assert.equal(canonicalResource("https://api.example.com/MCP"), "https://api.example.com/MCP");
    assert.equal(canonicalResource("urn:my-api"), "urn:my-api");
    assert.equal(canonicalResource("my-api"), "my-api");
  });
});

describe("audienceMatches", () => {
  const accepted = ["https://api.example.com/mcp"];
  it("accepts the resource leniently, as a string or inside an array", () => {
    assert.equal(audienceMatches("https://API.example.com/mcp/", accepted), true);
    assert.equal(audienceMatches(["https://other", "https://api.example.com/mcp#x"], accepted), true);
  });
  it("refuses other resources on the same host, missing and malformed audiences", () => {
    assert.equal(audienceMatches("https://api.example.com/other", accepted), false);
    assert.equal(audienceMatches("https://api.example.com/mcp/admin", accepted), false);
    assert.equal(audienceMatches("http://api.example.com/mcp", accepted), false);
    assert.equal(audienceMatches(undefined, accepted), false);
    assert.equal(audienceMatches([], accepted), false);
    assert.equal(audienceMatches([42, { a: 1 }], accepted), false);
    assert.equal(audienceMatches("", [""]), false);
  });
});
