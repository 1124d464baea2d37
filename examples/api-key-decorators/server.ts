// The same API-key server written with decorators and the built-in ApiKeyStrategy
// (API_KEY may hold several comma-separated keys, "id:key" or bare, so old and new overlap during rotation).
import "reflect-metadata";
import { IsString, Length } from "class-validator";
import { container, injectable } from "tsyringe";
import { ApiKeyStrategy, Ctx, Server, Tool, createServer, type ToolContext } from "../../src";
import { ensureDevKey, launch } from "../shared/launch";

class EchoInput {
  @IsString()
  @Length(1, 1000)
  text!: string;
}

@injectable()
export class Clock {
  now(): string {
    return new Date().toISOString();
  }
}

@Server({ name: "api-server", version: "1.0.0", auth: ApiKeyStrategy })
export class ApiServer {
  constructor(private readonly clock: Clock) {}

  @Tool({ description: "Echo a message back" })
  echo(input: EchoInput): string {
    return input.text;
  }

  @Tool({ description: "The server's current time" })
  serverTime(): { now: string } {
    return { now: this.clock.now() };
  }

  @Tool({ description: "Who the server thinks you are" })
  whoami(@Ctx() ctx: ToolContext): { subject?: string; keyId?: string } {
    return { subject: ctx.auth?.subject, keyId: ctx.auth?.keyId };
  }
}

if (require.main === module) {
  ensureDevKey("API_KEY");
  void launch(() => createServer(ApiServer, { container }), { devKeyEnv: "API_KEY" });
}
