import { ConfigurationError } from "../errors";
import type { AuthorizationFields, Requirement } from "../contracts/requirement";

export function requirementFrom(fields: AuthorizationFields, owner: string): Requirement {
  const roles = fields.roles ?? [];
  const scopes = fields.scopes ?? [];
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== "string" || !r)) throw new ConfigurationError(`${owner}: roles must be non-empty strings`);
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string" || !s || /\s/.test(s)))
    throw new ConfigurationError(`${owner}: scopes must be non-empty strings without spaces`);
  const policies = fields.authorize === undefined ? [] : Array.isArray(fields.authorize) ? fields.authorize : [fields.authorize];
  if (policies.some((p) => typeof p !== "function")) throw new ConfigurationError(`${owner}: authorize must be a function`);
  return { roleGroups: roles.length ? [[...roles]] : [], scopes: [...new Set(scopes)], policies, public: fields.public === true };
}

/** A public member that also demands roles or scopes is a contradiction: refuse it at start-up. */
export function assertCoherent(req: Requirement, owner: string): void {
  if (req.public && (req.roleGroups.length || req.scopes.length))
    throw new ConfigurationError(`${owner} is @Public() but also requires roles or scopes; remove one of them`);
}
