import assert from "node:assert/strict";
import { jsonSchemaValidator, propertyMapToSchema } from "../../../src/schema/json-schema.validator";
import { ConfigurationError } from "../../../src/errors";

describe("the guide's property map and raw JSON Schema", () => {
  it("turns a property map into a closed object schema, all required unless optional", () => {
    const s = propertyMapToSchema({ userId: { type: "string", description: "User ID" }, note: { type: "string", optional: true } });
    assert.deepEqual(s, {
      type: "object",
      properties: { userId: { type: "string", description: "User ID" }, note: { type: "string" } },
      required: ["userId"],
      additionalProperties: false,
    });
  });

  it("an empty map accepts {} and nothing else", async () => {
    const v = jsonSchemaValidator({}, "t");
    assert.equal((await v.validate({})).ok, true);
    assert.equal((await v.validate(undefined)).ok, true);
    assert.equal((await v.validate({ x: 1 })).ok, false);
  });

  it("validates property maps and reports each bad field", async () => {
    const v = jsonSchemaValidator({ userId: { type: "string" }, count: { type: "integer" } }, "t");
    const r = await v.validate({ userId: 5, extra: true });
    assert.equal(r.ok, false);
    const fields = !r.ok ? r.errors.map((e) => e.field).sort() : [];
    assert.deepEqual(fields, ["count", "extra", "userId"]);
  });

  it("passes a full JSON Schema through untouched and validates with it", async () => {
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: { n: { type: "number", minimum: 1 } }, required: ["n"] };
    const v = jsonSchemaValidator(schema, "t");
    assert.equal(v.schema, schema);
    assert.equal((await v.validate({ n: 2 })).ok, true);
    assert.equal((await v.validate({ n: 0 })).ok, false);
  });

  it("treats a property literally named 'type' as a property, not as a schema keyword", () => {
    const v = jsonSchemaValidator({ type: { type: "string" } }, "t");
    assert.deepEqual((v.schema as any).required, ["type"]);
  });

  it("refuses non-object and invalid schemas at start-up", () => {
    assert.throws(() => jsonSchemaValidator({ type: "string" }, "t"), ConfigurationError);
    assert.throws(() => jsonSchemaValidator({ type: "object", properties: { a: { type: "no-such-type" } } }, "t"), ConfigurationError);
    // A property map with more than types and descriptions is compiled at once too (its first call would be too late).
    assert.throws(() => jsonSchemaValidator({ code: { type: "string", pattern: "[" } }, "t"), ConfigurationError);
  });

  it("validates a guide-style property map on its first call as on every later one", async () => {
    const v = jsonSchemaValidator({ text: { type: "string", description: "t" }, n: { type: "integer", optional: true } }, "t");
    assert.deepEqual(await v.validate({ n: "x" }), { ok: false, errors: [{ field: "text", message: "is required" }, { field: "n", message: "must be integer" }] });
    assert.deepEqual(await v.validate({ text: "hi" }), { ok: true, value: { text: "hi" } });
  });
});
