/**
 * Base of every framework error. `code` is stable and safe to branch on; the subclasses below share this example.
 *
 * @example
 * ```ts
 * try { createServer(AdminServer, { container }) } catch (err) {
 *   if (err instanceof ConfigurationError) console.error(err.message)   // what to change, e.g. "set API_KEY …"
 *   else if (err instanceof McpcraftError) console.error(err.code)
 * }
 * if (!token) throw new AuthenticationError("missing_credentials")       // in a custom strategy: 401, -32001
 * if (note.owner !== ctx.auth?.subject) throw new ForbiddenError("only the owner may delete it")   // -32003
 * ```
 */
export class McpcraftError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
