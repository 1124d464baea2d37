// One server, two kinds of callers: machines with API keys (x-api-key), people with OAuth bearer tokens.
// The credential that is present decides; a bad one never falls through to the other; both at once → 400.
// Run: API_KEY=… node dist/examples/api-key-and-oauth/server.js  (OAuth via OAUTH_ISSUER, else the embedded provider)
import "reflect-metadata";
import { IsString, Length } from "class-validator";
import { ApiKeyStrategy, Ctx, RequireScope, Server, Tool, anyOf, createServer, type ToolContext } from "../../src";
import { exampleIdentity, printDevToken } from "../shared/identity";
import { ensureDevKey, launch } from "../shared/launch";

class NoteInput {
  @IsString()
  @Length(1, 500)
  text!: string;
}

@Server({ name: "notes-server", version: "1.0.0" })
export class NotesServer {
  private static readonly notes: { by: string; text: string }[] = [];

  @Tool({ description: "Who is calling, and how they authenticated" })
  whoami(@Ctx() ctx: ToolContext) {
    return { subject: ctx.auth?.subject, strategy: ctx.auth?.strategy, scopes: ctx.auth?.scopes };
  }

  @Tool({ description: "Read all notes" })
  @RequireScope("notes:read")
  listNotes() {
    return { notes: NotesServer.notes };
  }

  @Tool({ description: "Add a note" })
  @RequireScope("notes:write")
  addNote(input: NoteInput, @Ctx() ctx: ToolContext) {
    NotesServer.notes.push({ by: ctx.auth!.subject, text: input.text });
    return `noted (${NotesServer.notes.length})`;
  }
}

if (require.main === module) {
  ensureDevKey("API_KEY");
  void (async () => {
    const identity = await exampleIdentity(["notes:read", "notes:write"]);
    // Machines get both scopes with their key; people get what their token grants.
    const apiKeys = new ApiKeyStrategy({ scopes: ["notes:read", "notes:write"] });
    await launch(() => createServer(NotesServer, { auth: anyOf(apiKeys, identity.strategy) }), { devKeyEnv: "API_KEY" });
    printDevToken(identity, { sub: "alice", scope: "notes:read" });
  })();
}
