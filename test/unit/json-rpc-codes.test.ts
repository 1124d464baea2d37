import assert from "node:assert/strict";
import { ProtocolErrorCode } from "@modelcontextprotocol/client";
import { JsonRpcCode } from "../../src";

// The official v2 SDK's codes: JSON-RPC 2.0's, and those MCP assigns (2025-11-25 and 2026-07-28).
const official = Object.entries(ProtocolErrorCode).filter(([, v]) => typeof v === "number") as [string, number][];
// The spec's own codes that the framework answers with the spec's meaning.
const SHARED = new Set(["ParseError", "InvalidRequest", "MethodNotFound", "InvalidParams", "InternalError", "ResourceNotFound", "MissingRequiredClientCapability", "UnsupportedProtocolVersion", "UrlElicitationRequired"]);

describe("JSON-RPC codes beside the ones MCP assigns", () => {
  it("uses every code the official SDK names with the SDK's meaning, under the SDK's name", () => {
    for (const [name, code] of official) if (name in JsonRpcCode) assert.equal(JsonRpcCode[name as keyof typeof JsonRpcCode], code, name);
    for (const name of SHARED) assert.ok(official.some(([n]) => n === name), `${name} is an official code`);
  });

  it("gives none of its own codes a number MCP assigns (-32020…-32022, -32042, -32002)", () => {
    const assigned = new Map(official.map(([name, code]) => [code, name]));
    assigned.set(-32020, "HeaderMismatch"); // 2026-07-28's HEADER_MISMATCH (not in the SDK's enum)
    for (const [name, code] of Object.entries(JsonRpcCode)) {
      const owner = assigned.get(code);
      if (owner !== undefined) assert.equal(owner, name, `${name} (${code}) is MCP's ${owner}`);
    }
  });

  it("has exactly the own codes docs/troubleshooting.md documents (-32001, -32003, -32029…-32034, -32040)", () => {
    const own = Object.entries(JsonRpcCode).filter(([name]) => !SHARED.has(name) && name !== "HeaderMismatch" && name !== "TransportRefused");
    assert.deepEqual(own.map(([, c]) => c).sort((a, b) => a - b), [-32040, -32034, -32033, -32032, -32031, -32030, -32029, -32003, -32001]);
  });
});
