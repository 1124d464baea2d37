import { NotFoundError } from "../errors";
import type { ResourceDefinition } from "./definition";

export interface FoundResource {
  resource: ResourceDefinition;
  params: Record<string, string>;
}

/** The resource serving `uri`: an exact URI wins over a template; none is MCP's "resource not found" (-32002). */
export function findResource(resources: readonly ResourceDefinition[], uri: string): FoundResource {
  let found: FoundResource | undefined;
  for (const resource of resources) {
    const params = resource.match(uri);
    if (params && (!found || (found.resource.template && !resource.template))) found = { resource, params };
  }
  if (!found) throw new NotFoundError("Resource not found");
  return found;
}
