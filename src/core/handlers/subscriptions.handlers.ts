import { SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcCode, ProtocolError } from "../../errors";
import { method, type HandlerParts, type MethodTable } from "../method-table";
import { findResource } from "../resource-lookup";
import type { SubscriptionRegistry } from "../subscription-registry";

/** `resources/subscribe` and `resources/unsubscribe`, per connection. */
export function subscriptionHandlers(parts: HandlerParts, registry: SubscriptionRegistry): MethodTable {
  const { def, authorizer } = parts;
  return {
    // Subscribing needs the same right as reading (static rules; input-dependent policies run at read time).
    "resources/subscribe": method(SubscribeRequestSchema, async (req, call) => {
      const { resource } = findResource(def.resources, req.params.uri);
      authorizer.require(call, "resource", resource.uri, resource.requirement);
      if (!call.connection.peer) throw new ProtocolError(JsonRpcCode.InvalidRequest, "resources/subscribe needs a session: a stateless server cannot send updates");
      registry.subscribe(call.connection, req.params.uri);
      await call.connection.save({ subscribed: req.params.uri });
      return {};
    }),

    "resources/unsubscribe": method(UnsubscribeRequestSchema, async (req, call) => {
      registry.unsubscribe(call.connection, req.params.uri);
      await call.connection.save({ unsubscribed: req.params.uri });
      return {};
    }),
  };
}
