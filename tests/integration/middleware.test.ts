import { beforeAll, describe, expect, it } from "vitest";
import { call, signIn } from "@/tools/http-client";

// toby's session, signed in once for the file: the tests only read with it.
let toby: string;
beforeAll(async () => {
  toby = await signIn("toby", "123toby");
});

describe("protected pages", () => {
  it.each(["/dashboard", "/dashboard/", "/Dashboard", "/%64ashboard", "/dashboard/%2e%2e/dashboard", "/admin", "/ADMIN/", "/admin?_rsc=1"])(
    "never serve %j to a visitor without a session",
    async (path) => {
      // Follow Next.js's own normalising redirects (e.g. trailing slash); the chain must end at
      // the sign-in redirect or at "not found", never at protected content.
      let response = await call(path, { headers: path.includes("_rsc") ? { rsc: "1" } : {} });
      for (let hop = 0; hop < 3 && response.status === 308; hop++) {
        response = await call(response.headers.get("location")!);
      }
      const body = await response.text();
      expect(body).not.toContain("Your access token");
      expect(body).not.toContain("Users</h2>");
      if (response.status === 307) expect(response.headers.get("location")).toMatch(/^\/api\/auth\/refresh\?next=%2F/);
      else expect(response.status).toBe(404);
    },
  );

  it("sends a visitor from /dashboard by way of the refresh route to /login?next=/dashboard", async () => {
    const response = await call("/dashboard");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/api/auth/refresh?next=%2Fdashboard");
    const onward = await call(response.headers.get("location")!);
    expect(onward.headers.get("location")).toBe("/login?next=%2Fdashboard");
  });

  it("shows the dashboard to a signed-in user", async () => {
    const response = await call("/dashboard", { cookie: toby });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Thomas Edison");
    expect(html).toContain("#### Thomas Edison Test Note ####");
  });

  it("answers a USER on /admin with HTTP 403 and a page that says so", async () => {
    const response = await call("/admin", { cookie: toby });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Forbidden");
  });

  it("shows /admin to an ADMIN", async () => {
    const response = await call("/admin", { cookie: await signIn("hop", "123hop") });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Grace Hopper");
  });
});

describe("the x-middleware-subrequest bypass", () => {
  const bypass = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" };

  it("gets nothing from a protected API", async () => {
    const response = await call("/api/auth/me", { headers: bypass });
    expect(response.status).toBe(401);
  });

  it("gets nothing from a protected page", async () => {
    const response = await call("/dashboard", { headers: bypass });
    expect(await response.text()).not.toContain("Your access token");
    expect(response.status).not.toBe(200);
  });
});

describe("security headers", () => {
  it("come with every page: nonce CSP without unsafe-inline scripts, frame-ancestors, nosniff, referrer policy, HSTS", async () => {
    const response = await call("/login");
    const csp = response.headers.get("content-security-policy")!;
    const scriptSrc = csp.split(";").find((directive) => directive.trim().startsWith("script-src"))!;
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
    expect(await response.text()).toContain(`nonce="${nonce}"`);
  });

  it("mark signed-in content no-store", async () => {
    const response = await call("/api/auth/me", { cookie: toby });
    expect(response.headers.get("cache-control")).toContain("no-store");
  });
});
