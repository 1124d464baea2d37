#!/usr/bin/env node
import { parseArgs } from "node:util";
import { describeApiKey, generateApiKey } from "./keygen.command";
import { signToken } from "./token.command";

const USAGE = `Usage:
  mcpcraft-sdk keygen [--id <key id>] [--json]
      A new API key for the client and the sha256 digest to configure ApiKeyStrategy with.
  mcpcraft-sdk token --secret <secret> --sub <subject> [--aud <audience>] [--iss <issuer>]
                     [--expires-in <15m>] [--roles <a,b>] [--scope "<a b>"]
      An HS256 JWT for a JwtStrategy server (--secret defaults to $JWT_SECRET).
`;

/** Runs one command; returns the exit code. Output goes to `out`, errors and usage to `err`. */
export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [command, ...rest] = argv;
  try {
    if (command === "keygen") {
      const { values } = parseArgs({ args: rest, options: { id: { type: "string" }, json: { type: "boolean" } }, strict: true });
      const generated = generateApiKey(values.id);
      out(values.json ? `${JSON.stringify(generated)}\n` : describeApiKey(generated));
      return 0;
    }
    if (command === "token") {
      const names = ["secret", "sub", "aud", "iss", "expires-in", "roles", "scope"] as const;
      const options = Object.fromEntries(names.map((n) => [n, { type: "string" as const }]));
      const { values } = parseArgs({ args: rest, options, strict: true }) as { values: Partial<Record<(typeof names)[number], string>> };
      const { "expires-in": expiresIn, secret = process.env.JWT_SECRET ?? "", sub = "", ...claims } = values;
      out(`${signToken({ secret, sub, ...claims, ...(expiresIn ? { expiresIn } : {}) })}\n`);
      return 0;
    }
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      (command === undefined ? err : out)(USAGE);
      return command === undefined ? 2 : 0;
    }
    err(`mcpcraft-sdk: unknown command "${command}"\n${USAGE}`);
    return 2;
  } catch (e) {
    err(`mcpcraft-sdk ${command}: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
