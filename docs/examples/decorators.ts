// docs/decorators.md: DTOs, JSON Schema, and per-request dependency injection.
// Run after `npm run build`: node dist/docs/examples/decorators.js (prints the generated schema and calls a tool).
import "reflect-metadata"
import { createTestClient } from "mcpcraft-sdk/testing"

// #region dto
import { Type } from "class-transformer"
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from "class-validator"
import { JSONSchema } from "mcpcraft-sdk"

export class Reason {
  @IsString() @Length(3, 200)
  text!: string
}

export class DeleteUserInput {
  @IsString() @Length(1, 64)
  @JSONSchema({ description: "User ID to delete" })
  userId!: string

  @IsIn(["soft", "hard"])
  mode!: "soft" | "hard"

  @IsOptional() @IsInt() @Min(0) @Max(30)
  graceDays?: number

  @IsOptional() @ValidateNested() @Type(() => Reason)   // nested DTO → $defs.Reason
  reason?: Reason
}
// #endregion

// #region di
import { Lifecycle, inject, injectable, scoped } from "tsyringe"
import { AUTH_CONTEXT, REQUEST_CONTEXT, type AuthContext, type ToolContext } from "mcpcraft-sdk"

// Shared by every request: holds no per-request state. Register it once (registerSingleton) or leave it transient.
@injectable()
export class UserStore {
  private readonly users = new Map([["42", "Ada"], ["43", "Grace"]])
  remove(id: string): boolean {
    return this.users.delete(id)
  }
}

// Reads the caller: resolved per request (transient by default, never a singleton).
@injectable()
export class ActionLog {
  constructor(
    @inject(AUTH_CONTEXT) private readonly auth: AuthContext | undefined,
    @inject(REQUEST_CONTEXT) private readonly ctx: ToolContext,
  ) {}

  record(action: string): string {
    return `${this.auth?.subject ?? "anonymous"} ${action} (request ${this.ctx.requestId})`
  }
}

// One instance per request, shared by everything resolved for that request.
@scoped(Lifecycle.ContainerScoped)
export class RequestStats {
  readonly startedAt = Date.now()
}
// #endregion

// #region server
import { container } from "tsyringe"
import { ApiKeyStrategy, Ctx, RequireRole, Server, Tool } from "mcpcraft-sdk"

@Server({ name: "users", version: "1.0.0", auth: ApiKeyStrategy })
export class UsersServer {
  constructor(
    private readonly store: UserStore,
    private readonly actions: ActionLog,
    private readonly stats: RequestStats,
  ) {}

  @Tool({ description: "Delete a user account" })
  @RequireRole("admin")
  deleteUser(input: DeleteUserInput, @Ctx() ctx: ToolContext) {
    if (!this.store.remove(input.userId)) throw new Error(`No user ${input.userId}`)
    ctx.log.info({ user: input.userId, mode: input.mode }, "user deleted")
    return `${this.actions.record(`deleted ${input.userId}`)} in ${Date.now() - this.stats.startedAt} ms`
  }
}

container.registerSingleton(UserStore)
// #endregion

if (require.main === module) {
  void (async () => {
    const t = await createTestClient(UsersServer, { container, as: { subject: "alice", roles: ["admin"] } })
    console.log(JSON.stringify((await t.listTools())[0].inputSchema, null, 2))
    console.log(JSON.stringify(await t.callTool("delete_user", { userId: "42", mode: "soft" })))
    console.log(JSON.stringify(await t.callTool("delete_user", { userId: "", mode: "purge", reason: { text: "x" }, extra: 1 })))
    await t.close()
  })()
}
