// README.md: the same server with decorators. An ES module, so the block's top-level await compiles.
import { injectable } from "tsyringe"

@injectable()
export class UserService {
  delete(userId: string, by: string): string {
    return `User ${userId} deleted by ${by}`
  }
}

// #region decorators
import "reflect-metadata"
import { IsString, Length } from "class-validator"
import { container } from "tsyringe"
import { ApiKeyStrategy, Ctx, RequireRole, Server, Tool, createServer, type ToolContext } from "mcpcraft-sdk"

class DeleteUserInput {
  @IsString() @Length(1, 64)
  userId!: string
}

@Server({ name: "admin-server", version: "1.0.0", auth: ApiKeyStrategy })
class AdminServer {
  constructor(private readonly users: UserService) {}

  @Tool({ description: "Delete a user account" })      // tool name: delete_user
  @RequireRole("admin")
  deleteUser(input: DeleteUserInput, @Ctx() ctx: ToolContext) {
    return this.users.delete(input.userId, ctx.auth!.subject)
  }
}

await createServer(AdminServer, { container }).listen({ port: 3000 })
// #endregion
