import { describe, expect, it } from "vitest";
import { loginRedirectPath, normalizePath, protectionOf } from "@/lib/edge/paths";

describe("protected paths", () => {
  it.each(["/dashboard", "/dashboard/", "/Dashboard", "/DASHBOARD/", "/%64ashboard", "/%2564ashboard", "//dashboard", "/dashboard/anything", "/admin", "/ADMIN/", "/orgs", "/orgs/menlo-park", "/Orgs/"])(
    "guards the page spelled %j",
    (path) => {
      expect(protectionOf(path)).toBe("page");
    },
  );

  it.each(["/api/auth/me", "/API/auth/me/", "/api/users", "/api/users/42", "/api/posts", "/api/auth/sessions/1", "/api/admin/events", "/api/%75sers", "/api/auth/passkeys", "/api/auth/passkeys/abc", "/api/auth/passkeys/register/options", "/api/orgs", "/api/orgs/42/members", "/api/auth/org", "/api/invitations/accept"])(
    "guards the API %j",
    (path) => {
      expect(protectionOf(path)).toBe("api");
    },
  );

  it.each(["/", "/login", "/register", "/api/auth/login", "/api/auth/token", "/api/auth/register", "/api/health", "/api/users/authenticate", "/api/auth/passkeys/sign-in/options", "/api/auth/passkeys/sign-in/verify", "/dashboardx", "/administrator", "/invite", "/orgsx", "/api/auth/organization"])(
    "leaves %j public",
    (path) => {
      expect(protectionOf(path)).toBeNull();
    },
  );

  it("survives malformed percent-encoding", () => {
    expect(normalizePath("/dash%zzboard")).toBe("/dash%zzboard");
  });
});

describe("login redirect", () => {
  it("sends the user back to the path they asked for, without Next.js's internal _rsc parameter", () => {
    expect(loginRedirectPath("/admin", "?cursor=x&_rsc=1")).toBe("/login?next=%2Fadmin%3Fcursor%3Dx");
  });
});
