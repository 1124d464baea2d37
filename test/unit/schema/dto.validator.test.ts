import "reflect-metadata";
import assert from "node:assert/strict";
import { Type } from "class-transformer";
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from "class-validator";
import { JSONSchema } from "class-validator-jsonschema";
import { dtoSchema, dtoValidator } from "../../../src/schema/dto.validator";

describe("DTO → JSON Schema and validation", () => {
  class Reason {
    @IsString()
    @Length(3, 200)
    text!: string;
  }
  class DeleteUserInput {
    @IsString()
    @Length(1, 64)
    @JSONSchema({ description: "User ID to delete" })
    userId!: string;

    @IsIn(["soft", "hard"])
    mode!: string;

    @IsOptional()
    @IsInt()
    @Min(0)
    @Max(30)
    graceDays?: number;

    @IsOptional()
    @ValidateNested()
    @Type(() => Reason)
    reason?: Reason;
  }

  it("generates a closed, self-contained schema with required fields, enums, bounds and $defs", () => {
    const s = dtoSchema(DeleteUserInput);
    assert.equal(s.type, "object");
    assert.equal(s.additionalProperties, false);
    assert.deepEqual([...s.required].sort(), ["mode", "userId"]);
    assert.equal(s.properties.userId.type, "string");
    assert.equal(s.properties.userId.minLength, 1);
    assert.equal(s.properties.userId.maxLength, 64);
    assert.equal(s.properties.userId.description, "User ID to delete");
    assert.deepEqual(s.properties.mode.enum, ["soft", "hard"]);
    assert.equal(s.properties.graceDays.maximum, 30);
    assert.equal(s.properties.reason.$ref, "#/$defs/Reason");
    assert.equal(s.$defs.Reason.additionalProperties, false);
    assert.deepEqual(s.$defs.Reason.required, ["text"]);
  });

  it("accepts valid input and returns a DTO instance", async () => {
    const r = await dtoValidator(DeleteUserInput).validate({ userId: "42", mode: "soft", reason: { text: "spam" } });
    assert.equal(r.ok, true);
    assert.ok(r.ok && r.value instanceof DeleteUserInput);
  });

  it("names every failing field, including nested and unknown ones", async () => {
    const r = await dtoValidator(DeleteUserInput).validate({ userId: "", mode: "purge", graceDays: 99, reason: { text: "x" }, extra: 1 });
    assert.equal(r.ok, false);
    const fields = !r.ok ? [...new Set(r.errors.map((e) => e.field))].sort() : [];
    assert.deepEqual(fields, ["extra", "graceDays", "mode", "reason.text", "userId"]);
  });

  it("refuses non-object arguments and absurdly deep nesting", async () => {
    assert.equal((await dtoValidator(DeleteUserInput).validate([1, 2])).ok, false);
    let deep: any = {};
    for (let i = 0; i < 100; i++) deep = { reason: deep };
    const r = await dtoValidator(DeleteUserInput).validate(deep);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.errors[0].message : "", /nested deeper/);
  });

  it("refuses keys the schema does not allow even where class-transformer drops them (__proto__, constructor)", async () => {
    for (const body of ['{"userId":"1","mode":"soft","__proto__":{"polluted":1}}', '{"userId":"1","mode":"soft","constructor":{"prototype":{"polluted":1}}}']) {
      const r = await dtoValidator(DeleteUserInput).validate(JSON.parse(body));
      assert.equal(r.ok, false, body);
      assert.match(!r.ok ? r.errors[0].field : "", /^(__proto__|constructor)$/);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
