import { describe, expect, it } from "vitest";
import { credentialsSchema, paginationSchema, registerSchema, writeUserCursor } from "@/lib/schemas";
import { safeNextPath } from "@/lib/next-path";
import { fieldErrors } from "@/lib/request/validate";

function errorsOf(input: unknown) {
  const result = registerSchema.safeParse(input);
  return result.success ? {} : fieldErrors(result.error);
}

const valid = { username: "ada", password: "correct horse", name: "Ada Lovelace" };

describe("registration input", () => {
  it("accepts a valid registration and lower-cases the username", () => {
    expect(registerSchema.parse({ ...valid, username: "  Ada.L_1-x " }).username).toBe("ada.l_1-x");
  });

  it.each([
    ["a", "at least 2"],
    ["x".repeat(65), "at most 64"],
    ["ada lovelace", "only letters"],
    ["ada@home", "only letters"],
    ["", "at least 2"],
  ])("rejects the username %j", (username, message) => {
    expect(errorsOf({ ...valid, username }).username).toContain(message);
  });

  it("requires 8 to 72 bytes of password, counting bytes not characters", () => {
    expect(errorsOf({ ...valid, password: "short12" }).password).toContain("at least 8");
    expect(errorsOf({ ...valid, password: "x".repeat(72) }).password).toBeUndefined();
    expect(errorsOf({ ...valid, password: "x".repeat(73) }).password).toContain("72 bytes");
    // 25 three-byte characters: 25 characters, 75 bytes — bcrypt would silently cut it.
    expect(errorsOf({ ...valid, password: "€".repeat(25) }).password).toContain("72 bytes");
  });

  it("requires a name of 2 to 100 characters", () => {
    expect(errorsOf({ ...valid, name: "A" }).name).toBeDefined();
    expect(errorsOf({ ...valid, name: "A".repeat(101) }).name).toBeDefined();
  });

  it.each([
    ["a newline", "Mallory\nVisit https://evil.example"],
    ["a carriage return", "Mallory\rX"],
    ["a tab", "Mallory\tX"],
    ["a NUL", "Mallory\u0000X"],
    ["DEL", "Mallory\u007fX"],
    ["a C1 control (NEL)", "Mallory\u0085X"],
    ["a line separator", "Mallory\u2028X"],
    ["a paragraph separator", "Mallory\u2029X"],
    ["a right-to-left override", "Mallory\u202Egnp.exe"],
    ["a bidi isolate", "Mallory\u2066X\u2069"],
  ])("refuses a name with %s", (_what, name) => {
    expect(errorsOf({ ...valid, name }).name).toBe("Name must be one line of text, without control characters.");
  });

  it("accepts names in any script, with accents, apostrophes and emoji, and trims the ends", () => {
    for (const name of ["Zoë O'Brien", "Ада Лавлейс", "محمد علي", "李小龙", "Renée 👩‍💻", "Jean-Luc Picard"]) {
      expect(registerSchema.parse({ ...valid, name }).name).toBe(name);
    }
    expect(registerSchema.parse({ ...valid, name: "  Ada Lovelace\n" }).name).toBe("Ada Lovelace");
  });

  it.each(["2023-02-29", "1990-13-01", "1990-1-1", "yesterday", "2999-01-01"])("rejects the date of birth %j", (dob) => {
    expect(errorsOf({ ...valid, dob }).dob).toBeDefined();
  });

  it("accepts a real past date of birth and treats an empty one as absent", () => {
    expect(registerSchema.parse({ ...valid, dob: "2024-02-29" }).dob?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(registerSchema.parse({ ...valid, dob: "" }).dob).toBeUndefined();
  });

  it("reports every bad field at once", () => {
    expect(Object.keys(errorsOf({ username: "!", password: "", name: "" })).sort()).toEqual(["name", "password", "username"]);
  });

  it("rejects non-string values instead of coercing them", () => {
    expect(errorsOf({ ...valid, username: ["ada"] }).username).toBeDefined();
    expect(errorsOf({ ...valid, password: 12345678 }).password).toBeDefined();
  });
});

describe("sign-in input", () => {
  it("accepts the seeded short passwords, which predate the password rule", () => {
    expect(credentialsSchema.safeParse({ username: "hop", password: "123hop" }).success).toBe(true);
  });

  it("refuses passwords over 72 bytes, which bcrypt would truncate", () => {
    expect(credentialsSchema.safeParse({ username: "hop", password: "x".repeat(73) }).success).toBe(false);
  });
});

describe("the next parameter", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/admin?cursor=abc", "/admin?cursor=abc"],
    ["/", "/"],
  ])("keeps the same-origin path %j", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\t/evil.example",
    // Dot segments that the URL parser removes, leaving `//host` (plain and percent-encoded).
    "/.//evil.example",
    "/..//evil.example",
    "/a/..//evil.example",
    "/./\\evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/a/%2e%2e//evil.example",
    "/%2e/\\evil.example",
    "dashboard",
    "",
    undefined,
    ["/dashboard"],
  ])("replaces %j with /dashboard", (input) => {
    expect(safeNextPath(input)).toBe("/dashboard");
  });
});

describe("pagination", () => {
  it("defaults to 20 and caps the limit at 100", () => {
    expect(paginationSchema.parse({}).limit).toBe(20);
    expect(paginationSchema.safeParse({ limit: "101" }).success).toBe(false);
    expect(paginationSchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(paginationSchema.safeParse({ cursor: "'; drop table" }).success).toBe(false);
    expect(paginationSchema.safeParse({ cursor: "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b" }).success).toBe(false);
    expect(paginationSchema.safeParse({ cursor: "99999999999999999.6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b" }).success).toBe(false);
  });

  it("reads back the cursor it writes: the last user's creation time and id", () => {
    const place = { createdAt: new Date("2026-12-07T06:30:00.123Z"), id: "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b" };
    expect(paginationSchema.parse({ cursor: writeUserCursor(place) }).cursor).toEqual(place);
  });
});
