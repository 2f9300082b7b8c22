/**
 * Who may do what in an organization (lib/orgs/roles.ts), the rules behind
 * every organization route and the buttons of /orgs/[slug]; and the slug a
 * name makes. The attack suite tries the same rules over HTTP
 * (tests/security/organizations.test.ts).
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { assertMayChangeRole, assertMayDelete, assertMayInvite, assertMayRemove, assertMayRename, assertMayWithdraw, assignableRoles, invitableRoles, mayRemove, type OrgRole } from "@/lib/orgs/roles";
import { createOrgSchema, slugFrom } from "@/lib/schemas";

/** The error code a rule answers with, or "allowed". */
function verdict(rule: () => void): string {
  try {
    rule();
    return "allowed";
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

const other = (role: OrgRole) => ({ role, self: false });
const me = (role: OrgRole) => ({ role, self: true });

describe("organization roles", () => {
  it("lets ADMINs and OWNERs rename, and only OWNERs delete", () => {
    expect(["OWNER", "ADMIN", "MEMBER"].map((role) => verdict(() => assertMayRename(role as OrgRole)))).toEqual(["allowed", "allowed", "forbidden"]);
    expect(["OWNER", "ADMIN", "MEMBER"].map((role) => verdict(() => assertMayDelete(role as OrgRole)))).toEqual(["allowed", "forbidden", "forbidden"]);
  });

  it("lets an OWNER invite as any role, an ADMIN as ADMIN or MEMBER, a MEMBER not at all", () => {
    expect(invitableRoles("OWNER")).toEqual(["OWNER", "ADMIN", "MEMBER"]);
    expect(invitableRoles("ADMIN")).toEqual(["ADMIN", "MEMBER"]);
    expect(invitableRoles("MEMBER")).toEqual([]);
    expect(verdict(() => assertMayInvite("ADMIN", "OWNER"))).toBe("forbidden");
    expect(verdict(() => assertMayInvite("MEMBER", "MEMBER"))).toBe("forbidden");
    expect(verdict(() => assertMayWithdraw("ADMIN", "OWNER"))).toBe("forbidden");
    expect(verdict(() => assertMayWithdraw("ADMIN", "MEMBER"))).toBe("allowed");
  });

  it("never lets an ADMIN make an OWNER or touch one, themselves included", () => {
    expect(verdict(() => assertMayChangeRole("ADMIN", me("ADMIN"), "OWNER", 1))).toBe("forbidden");
    expect(verdict(() => assertMayChangeRole("ADMIN", other("MEMBER"), "OWNER", 1))).toBe("forbidden");
    expect(verdict(() => assertMayChangeRole("ADMIN", other("OWNER"), "MEMBER", 2))).toBe("forbidden");
    expect(verdict(() => assertMayChangeRole("ADMIN", other("MEMBER"), "ADMIN", 1))).toBe("allowed");
    expect(verdict(() => assertMayChangeRole("ADMIN", other("ADMIN"), "MEMBER", 1))).toBe("allowed");
    expect(verdict(() => assertMayChangeRole("MEMBER", me("MEMBER"), "ADMIN", 1))).toBe("forbidden");
    expect(assignableRoles("ADMIN", other("OWNER"), 2)).toEqual([]);
    expect(assignableRoles("ADMIN", other("MEMBER"), 1)).toEqual(["ADMIN", "MEMBER"]);
    expect(assignableRoles("MEMBER", other("MEMBER"), 1)).toEqual([]);
  });

  it("keeps the last OWNER: not demoted, not removed, cannot leave (409); with two, either may go", () => {
    expect(verdict(() => assertMayChangeRole("OWNER", me("OWNER"), "ADMIN", 1))).toBe("conflict");
    expect(verdict(() => assertMayRemove("OWNER", me("OWNER"), 1))).toBe("conflict");
    expect(verdict(() => assertMayChangeRole("OWNER", other("OWNER"), "MEMBER", 2))).toBe("allowed");
    expect(verdict(() => assertMayRemove("OWNER", me("OWNER"), 2))).toBe("allowed");
    expect(verdict(() => assertMayRemove("OWNER", other("OWNER"), 2))).toBe("allowed");
    expect(assignableRoles("OWNER", me("OWNER"), 1)).toEqual(["OWNER"]);
    expect(mayRemove("OWNER", me("OWNER"), 1)).toBe(false);
  });

  it("lets anyone leave, ADMINs remove non-OWNERs, and MEMBERs remove nobody else", () => {
    expect(verdict(() => assertMayRemove("MEMBER", me("MEMBER"), 1))).toBe("allowed");
    expect(verdict(() => assertMayRemove("MEMBER", other("MEMBER"), 1))).toBe("forbidden");
    expect(verdict(() => assertMayRemove("ADMIN", other("ADMIN"), 1))).toBe("allowed");
    expect(verdict(() => assertMayRemove("ADMIN", other("OWNER"), 2))).toBe("forbidden");
    // Who may not act at all is told so before anything about OWNERs.
    expect(verdict(() => assertMayRemove("MEMBER", other("OWNER"), 1))).toBe("forbidden");
    expect(mayRemove("ADMIN", other("OWNER"), 2)).toBe(false);
  });
});

describe("organization slugs", () => {
  it.each([
    ["Menlo Park", "menlo-park"],
    ["  Édison & Söhne, Inc.  ", "edison-sohne-inc"],
    ["日本", "org"],
    ["x".repeat(80), "x".repeat(48)],
  ])("makes %j into %j", (name, slug) => {
    expect(slugFrom(name)).toBe(slug);
  });

  it("takes a given slug over the name's, and refuses one outside the rule", () => {
    expect(createOrgSchema.parse({ name: "Menlo Park", slug: "lab" })).toEqual({ name: "Menlo Park", slug: "lab" });
    expect(createOrgSchema.parse({ name: "Menlo Park", slug: "" })).toEqual({ name: "Menlo Park", slug: "menlo-park" });
    for (const slug of ["Menlo Park", "-lab", "lab-", "a--b", "l", "la/b"]) expect(createOrgSchema.safeParse({ name: "Menlo Park", slug }).success).toBe(false);
  });
});
