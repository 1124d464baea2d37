// docs/getting-started.md and docs/testing.md: the decorator API.
// Run after `npm run build`: API_KEY=sk-dev node dist/docs/examples/getting-started.decorators.js
// #region server
import "reflect-metadata"
import { IsString, Length } from "class-validator"
import { container, injectable } from "tsyringe"
import { ApiKeyStrategy, Ctx, RequireRole, Server, Tool, createServer, type ToolContext } from "mcpcraft-sdk"

@injectable()
export class UserService {
  delete(userId: string, by: string): string {
    return `User ${userId} deleted by ${by}`
  }
}

export class DeleteUserInput {
  @IsString() @Length(1, 64)
  userId!: string
}

@Server({ name: "admin-server", version: "1.0.0", auth: ApiKeyStrategy })
export class AdminServer {
  constructor(private readonly users: UserService) {}   // constructor injection (tsyringe)

  @Tool({ description: "Who the server thinks you are" })   // tool "who_am_i", no input
  whoAmI(@Ctx() ctx: ToolContext) {
    return { subject: ctx.auth?.subject, roles: ctx.auth?.roles }
  }

  @Tool({ description: "Delete a user account" })           // tool "delete_user", input: DeleteUserInput
  @RequireRole("admin")
  deleteUser(input: DeleteUserInput, @Ctx() ctx: ToolContext) {
    return this.users.delete(input.userId, ctx.auth!.subject)
  }
}

if (require.main === module) {
  const server = createServer(AdminServer, { container })   // keys from API_KEY
  void server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`))
}
// #endregion
