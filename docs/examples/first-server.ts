// docs/first-server.md, step 3: a newcomer's first authenticated tools. Run after `npm run build`:
// ALICE_KEY=sk-alice-0123456789abcdef BOB_KEY=sk-bob-0123456789abcdef node dist/docs/examples/first-server.js
// #region server
import "reflect-metadata"
import { IsString, Length } from "class-validator"
import { container } from "tsyringe"
import { API_KEY_OPTIONS, ApiKeyStrategy, Ctx, RequireRole, Server, Tool, createServer, type ToolContext } from "mcpcraft-sdk"

export class NoteInput {
  @IsString() @Length(1, 200)
  text!: string
}

@Server({ name: "notes", version: "1.0.0", auth: ApiKeyStrategy })
export class NotesServer {
  private readonly notes: string[] = []

  @Tool({ description: "Add a note, signed with who you are" })    // tool "add_note", any caller with a key
  addNote(input: NoteInput, @Ctx() ctx: ToolContext) {
    this.notes.push(`${input.text} (${ctx.auth!.subject})`)
    return this.notes.join("\n")
  }

  @Tool({ description: "Delete every note" })                       // tool "clear_notes", admins only
  @RequireRole("admin")
  clearNotes() {
    this.notes.length = 0
    return "All notes deleted"
  }
}

if (require.main === module) {
  // Two callers, their keys from the environment (never in the code): alice is an admin, bob is not.
  // A key that is not set stops the server at start-up: it never serves with a key missing.
  container.register(API_KEY_OPTIONS, {
    useValue: {
      keys: [
        { id: "alice", key: process.env.ALICE_KEY, roles: ["admin"] },
        { id: "bob", key: process.env.BOB_KEY },
      ],
    },
  })
  const server = createServer(NotesServer, { container })
  if (process.argv.includes("--stdio")) void server.listen({ transport: "stdio" })   // the caller's key: API_KEY
  else void server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`notes listening on ${url}`))
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)))
}
// #endregion
