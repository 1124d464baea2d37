// The guide's "Per-Tool Authorization" section as a decorated server: the guide's ADMIN_TOOLS (delete_user,
// upgrade_plan) need the admin role; everyone with a key can list users and ask who they are. Admin tools are
// hidden from everyone else's tools/list, and refused with JSON-RPC -32003 if called anyway.
//
// Keys come from the environment, comma-separated, each "id:key" or a bare key:
//   ADMIN_API_KEYS   callers with the "admin" role
//   API_KEY          everyone else (no role)
// Run: `node dist/examples/admin/server.js` (HTTP on 127.0.0.1:$PORT, default 3000; with neither variable set, a
// development admin key is generated and printed) or `--stdio`, where the key presented is API_KEY (put an admin's
// key in both API_KEY and ADMIN_API_KEYS to be an admin).
import "reflect-metadata";
import { IsIn, IsString, Length } from "class-validator";
import { container, injectable } from "tsyringe";
import {
  ApiKeyStrategy,
  ConfigurationError,
  Ctx,
  RequireRole,
  Server,
  Tool,
  createServer,
  type ApiKeyEntry,
  type CraftServer,
  type ToolContext,
} from "../../src";
import { ensureDevKey, launch } from "../shared/launch";

class DeleteUserInput {
  @IsString()
  @Length(1, 64)
  userId!: string;
}

class UpgradePlanInput {
  @IsString()
  @Length(1, 64)
  userId!: string;

  @IsIn(["free", "pro", "enterprise"])
  plan!: string;
}

interface User {
  id: string;
  name: string;
  plan: string;
}

/** The application's user store (in memory here). One per process, shared by every request. */
@injectable()
export class UserDirectory {
  private readonly users = new Map<string, User>([
    ["42", { id: "42", name: "Ada", plan: "free" }],
    ["43", { id: "43", name: "Grace", plan: "pro" }],
  ]);

  list(): User[] {
    return [...this.users.values()];
  }

  delete(id: string): string {
    if (!this.users.delete(id)) throw new Error(`No user ${id}`);
    return `Deleted user ${id}`;
  }

  upgrade(id: string, plan: string): User {
    const user = this.users.get(id);
    if (!user) throw new Error(`No user ${id}`);
    user.plan = plan;
    return { ...user };
  }
}

@Server({ name: "admin-server", version: "1.0.0" })
export class AdminServer {
  constructor(private readonly users: UserDirectory) {}

  @Tool({ description: "List user accounts" })
  listUsers(): { users: User[] } {
    return { users: this.users.list() };
  }

  @Tool({ description: "Delete a user account" })
  @RequireRole("admin")
  deleteUser(input: DeleteUserInput): string {
    return this.users.delete(input.userId);
  }

  @Tool({ description: "Upgrade a user's plan" })
  @RequireRole("admin")
  upgradePlan(input: UpgradePlanInput): User {
    return this.users.upgrade(input.userId, input.plan);
  }

  @Tool({ description: "Who the server thinks you are" })
  whoami(@Ctx() ctx: ToolContext): { subject?: string; roles?: string[] } {
    return { subject: ctx.auth?.subject, roles: ctx.auth?.roles };
  }
}

/** `ADMIN_API_KEYS` keys get the admin role, `API_KEY` keys none; a key listed in both is an admin's. */
export function keysFromEnv(env: NodeJS.ProcessEnv = process.env): ApiKeyEntry[] {
  const parse = (variable: string, prefix: string, roles: string[]): ApiKeyEntry[] =>
    (env[variable] ?? "")
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean)
      .map((raw, i) => {
        const named = /^([A-Za-z0-9_.-]{1,64}):(.+)$/.exec(raw);
        return named ? { id: named[1], key: named[2], roles } : { id: `${prefix}-${i + 1}`, key: raw, roles };
      });
  const admins = parse("ADMIN_API_KEYS", "admin", ["admin"]);
  const others = parse("API_KEY", "user", []).filter((u) => !admins.some((a) => a.key === u.key));
  return [...admins, ...others];
}

export function buildAdminServer(env: NodeJS.ProcessEnv = process.env): CraftServer {
  const keys = keysFromEnv(env);
  if (keys.length === 0)
    throw new ConfigurationError("admin-server has no API keys: set ADMIN_API_KEYS (admins) and/or API_KEY (everyone else), comma-separated");
  const scope = container.createChildContainer();
  scope.registerInstance(UserDirectory, new UserDirectory());
  return createServer(AdminServer, { container: scope, auth: new ApiKeyStrategy({ keys }) });
}

if (require.main === module) {
  // `npm start`-style convenience over HTTP only: never on stdio, where a missing key must fail closed.
  if (!process.env.API_KEY) ensureDevKey("ADMIN_API_KEYS");
  void launch(() => buildAdminServer(), { devKeyEnv: "ADMIN_API_KEYS" });
}
