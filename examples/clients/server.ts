// The server docs/clients.md configures in Claude Desktop and other MCP clients. The accepted key is stored as its
// SHA-256 digest (from `npx mcpcraft-sdk keygen`), so the client's API_KEY is really checked, on stdio too: a
// missing or wrong key stops the server at start-up. The demo key is sk-demo-desktop-0000000000000000; make your
// own with keygen and paste its digest here.
import "reflect-metadata";
import { container } from "tsyringe";
import { ApiKeyStrategy, Ctx, RequireRole, Server, Tool, createServer, type ToolContext } from "../../src";
import { launch } from "../shared/launch";

const desktopKeys = new ApiKeyStrategy({
  keys: [{ id: "desktop", sha256: "156d0819471755a400587fb29a15bb21e6f6ae65bdd5959493e2c020aa264b72", roles: ["reader"] }],
});

@Server({ name: "notes", version: "1.0.0", auth: desktopKeys })
export class NotesServer {
  private readonly notes = ["Buy milk", "Ship the release"];

  @Tool({ description: "Who the server thinks you are" })
  whoAmI(@Ctx() ctx: ToolContext): { subject?: string; roles?: string[] } {
    return { subject: ctx.auth?.subject, roles: ctx.auth?.roles };
  }

  @Tool({ description: "List the notes" })
  @RequireRole("reader")
  listNotes(): string {
    return this.notes.join("\n");
  }
}

if (require.main === module) void launch(() => createServer(NotesServer, { container }));
