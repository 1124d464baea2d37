// docs/authentication.md, "Best Practices": audit events.
import "reflect-metadata"
import { container } from "tsyringe"
import { AdminServer } from "./getting-started.decorators"

// #region on-audit
import { createServer, type AuditEvent } from "mcpcraft-sdk"

const failures = new Map<string, number>()

export const server = createServer(AdminServer, {
  container,
  onAudit: (event: AuditEvent) => {
    // never carries the credential: reason, strategy, ip, key id / kid, subject, tool
    if (event.type === "auth.failure") failures.set(event.reason, (failures.get(event.reason) ?? 0) + 1)
    if (event.type === "authz.denied") console.error(`${event.subject} was denied ${event.kind} ${event.target}: ${event.reason}`)
  },
})
// #endregion
