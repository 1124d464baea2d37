// Service-to-service authentication with the built-in JwtStrategy and decorators: HS256 with JWT_SECRET (≥ 32
// bytes), `exp` required, lifetime ≤ 15 minutes, issuer and audience checked, roles from the `roles` claim.
// Rotation: JWT_KEYS may hold a JSON key ring `[{"kid":"2026-11","alg":"HS256","key":"…"}, …]`.
// Run: JWT_SECRET=… node dist/examples/service-auth/jwt-strategy.server.js
import "reflect-metadata";
import { IsIn, IsString } from "class-validator";
import { container } from "tsyringe";
import { ConfigurationError, Ctx, JWT_OPTIONS, JwtStrategy, RequireRole, Server, Tool, createServer, type JwtStrategyOptions, type ToolContext } from "../../src";
import { launch } from "../shared/launch";

class InvoiceInput {
  @IsString()
  customerId!: string;

  @IsIn(["monthly", "yearly"])
  period!: string;
}

@Server({ name: "internal-server", version: "1.0.0", auth: JwtStrategy })
export class InternalServer {
  @Tool({ description: "Which service is calling" })
  caller(@Ctx() ctx: ToolContext) {
    return { service: ctx.service, roles: ctx.auth?.roles };
  }

  @Tool({ description: "Create an invoice (billing services only)" })
  @RequireRole("billing")
  createInvoice(input: InvoiceInput, @Ctx() ctx: ToolContext) {
    return { invoice: `inv-${input.customerId}-${input.period}`, by: ctx.service };
  }
}

/** JWT_KEYS as a key ring. Never echoes the text: a JSON.parse error (or Node's report of it) would print the keys. */
function keyRingFromEnv(text: string | undefined): JwtStrategyOptions["keys"] {
  if (!text) return undefined;
  let ring: unknown;
  try {
    ring = JSON.parse(text);
  } catch {
    ring = undefined;
  }
  if (!Array.isArray(ring) || ring.some((k) => k === null || typeof k !== "object" || Array.isArray(k)))
    throw new ConfigurationError('JWT_KEYS must be a JSON array like [{"kid":"2026-11","alg":"HS256","key":"…"}]');
  return ring as JwtStrategyOptions["keys"];
}

export function jwtOptionsFromEnv(): JwtStrategyOptions {
  const ring = keyRingFromEnv(process.env.JWT_KEYS);
  return {
    ...(ring ? { keys: ring } : {}),
    issuer: process.env.JWT_ISSUER ?? "https://auth.internal",
    audience: process.env.JWT_AUDIENCE ?? "internal-server",
  };
}

if (require.main === module) {
  void launch(() => {
    // Read inside launch's build step, so a bad JWT_KEYS is a one-line configuration error, not a stack trace.
    container.register(JWT_OPTIONS, { useValue: jwtOptionsFromEnv() });
    return createServer(InternalServer, { container });
  });
}
