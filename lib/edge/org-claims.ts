/**
 * The organization claims' vocabulary, shared by the access token's schema
 * (./tokens.ts), the input rules (lib/schemas.ts) and the organization rules
 * (lib/orgs/roles.ts). Zod only: the pages' client code may import it without
 * pulling in the token code.
 */
import { z } from "zod";

/** A member's role in an organization (docs/organizations.md). */
export const orgRoleSchema = z.enum(["OWNER", "ADMIN", "MEMBER"]);
export type OrgRole = z.infer<typeof orgRoleSchema>;

/** An organization's slug: lower-case letters and digits in words joined by single dashes. */
export const ORG_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
