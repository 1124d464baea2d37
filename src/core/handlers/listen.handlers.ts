import type { JSONRPCMessage, ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { SUBSCRIPTION_ID_META_KEY } from "../../contracts/protocol-2026";
import { Connection } from "../connection";
import type { ConnectionRegistry } from "../connection-registry";
import type { HandlerParts, MethodEntry } from "../method-table";
import type { ListenStreams } from "../modern/listen-streams";
import { officialSchema } from "../modern/official-schema";
import { findResource } from "../resource-lookup";
import type { SubscriptionRegistry } from "../subscription-registry";
import type { Call } from "../call";

/** What a listen request asks to hear (2026-07-28 `SubscriptionFilter`). */
interface Filter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

/** The official v2 schema of `subscriptions/listen`. */
const listenSchema = officialSchema<{ id: string | number; params: { notifications: Filter } }>("SubscriptionsListenRequestSchema");

const NOTICE_OF: Record<string, keyof Filter> = {
  "notifications/tools/list_changed": "toolsListChanged",
  "notifications/prompts/list_changed": "promptsListChanged",
  "notifications/resources/list_changed": "resourcesListChanged",
};

/**
 * `subscriptions/listen`: the 2026 era's one stream of change notifications, open for as long as the client
 * keeps it. It hears what the filter asks and the server offers — list changes, and updates of the resources the
 * caller may read (the right `resources/subscribe` needs on 2025) — each stamped with the listen request's id.
 */
export function listenEntry(parts: HandlerParts, capabilities: ServerCapabilities, lists: ConnectionRegistry, updates: SubscriptionRegistry, streams: ListenStreams): MethodEntry {
  return {
    schema: listenSchema,
    handle: async (req: { params: { notifications: Filter } }, call: Call) => {
      const honored = honoredSubset(req.params.notifications, capabilities, parts, call);
      const stamp = (m: JSONRPCMessage) => {
        const params = ("params" in m ? m.params : undefined) as Record<string, unknown> | undefined;
        return { ...m, params: { ...params, _meta: { ...(params?._meta as object | undefined), [SUBSCRIPTION_ID_META_KEY]: call.id } } } as JSONRPCMessage;
      };
      await call.relay.send(stamp({ jsonrpc: "2.0", method: "notifications/subscriptions/acknowledged", params: { notifications: honored } }));
      const listener = new Connection(call.connection.transport, {
        send: async (m) => {
          const wanted = "method" in m && (m.method === "notifications/resources/updated" || honored[NOTICE_OF[m.method]] === true);
          if (wanted && call.relay.open) await call.relay.send(stamp(m));
        },
      });
      lists.add(listener);
      for (const uri of honored.resourceSubscriptions ?? []) updates.subscribe(listener, uri);
      let forget = () => undefined as void;
      try {
        await new Promise<void>((resolve) => {
          forget = streams.add(resolve);
          call.signal.addEventListener("abort", () => resolve(), { once: true });
        });
      } finally {
        forget();
        listener.close();
      }
      return { _meta: { [SUBSCRIPTION_ID_META_KEY]: call.id } };
    },
  };
}

/** The part of the filter this server honours: what it offers, and only resources the caller may read. */
function honoredSubset(asked: Filter, capabilities: ServerCapabilities, parts: HandlerParts, call: Call): Filter {
  const honored: Filter = {};
  if (asked.toolsListChanged && capabilities.tools?.listChanged) honored.toolsListChanged = true;
  if (asked.promptsListChanged && capabilities.prompts?.listChanged) honored.promptsListChanged = true;
  if (asked.resourcesListChanged && capabilities.resources?.listChanged) honored.resourcesListChanged = true;
  if (asked.resourceSubscriptions?.length && capabilities.resources?.subscribe) {
    const readable = asked.resourceSubscriptions.filter((uri) => {
      try {
        const { resource } = findResource(parts.def.resources, uri);
        parts.authorizer.require(call, "resource", resource.uri, resource.requirement);
        return true;
      } catch {
        return false;
      }
    });
    if (readable.length) honored.resourceSubscriptions = readable;
  }
  return honored;
}
