import { ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ReadResourceRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ResourceDefinition } from "../definition";
import { method, type HandlerParts, type MethodTable } from "../method-table";
import { findResource } from "../resource-lookup";
import { toResourceResult } from "../result-mapper";

const described = (r: ResourceDefinition) => ({ name: r.name, title: r.title, description: r.description, mimeType: r.mimeType });

/** `resources/list`, `resources/templates/list` and `resources/read`. */
export function resourceHandlers(parts: HandlerParts): MethodTable {
  const { def, authorizer, invocation } = parts;
  const fixed = def.resources.filter((r) => !r.template).map((r) => ({ def: r, listed: { uri: r.uri, ...described(r) } }));
  const templates = def.resources.filter((r) => r.template).map((r) => ({ def: r, listed: { uriTemplate: r.uri, ...described(r) } }));

  return {
    "resources/list": method(ListResourcesRequestSchema, async (_req, call) => ({
      resources: fixed.filter((e) => authorizer.visible(call, e.def.requirement)).map((e) => e.listed),
    })),

    "resources/templates/list": method(ListResourceTemplatesRequestSchema, async (_req, call) => ({
      resourceTemplates: templates.filter((e) => authorizer.visible(call, e.def.requirement)).map((e) => e.listed),
    })),

    "resources/read": method(ReadResourceRequestSchema, async (req, call) => {
      const uri = req.params.uri;
      const { resource, params } = findResource(def.resources, uri);
      authorizer.require(call, "resource", resource.uri, resource.requirement);
      const ctx = parts.context(call);
      await authorizer.requirePolicies(call, "resource", resource.uri, resource.requirement, ctx, params);
      return toResourceResult(uri, resource.mimeType, await invocation.runOrFail(resource.invoke, [uri, params], ctx));
    }),
  };
}
