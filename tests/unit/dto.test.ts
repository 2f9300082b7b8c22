import { describe, expect, it } from "vitest";
import { userFor, type PublicUserRow } from "@/lib/users/access";

const grace: PublicUserRow = {
  id: "00000000-0000-4000-8000-000000000001",
  username: "hop",
  name: "Grace Hopper",
  dob: new Date("1906-12-09T00:00:00Z"),
  email: "grace@example.com",
  emailVerifiedAt: new Date("2026-11-26T09:00:00Z"),
  role: "ADMIN",
  createdAt: new Date("2026-11-25T14:00:00Z"),
};

describe("userFor", () => {
  it("shows another USER only id, username and name", () => {
    expect(userFor({ id: "someone-else", role: "USER" }, grace)).toEqual({ id: grace.id, username: "hop", name: "Grace Hopper" });
  });

  it("shows users all of their own fields, and an ADMIN all of anyone's", () => {
    const full = { id: grace.id, username: "hop", name: "Grace Hopper", dob: "1906-12-09", email: "grace@example.com", emailVerified: true, role: "ADMIN", createdAt: "2026-11-25T14:00:00.000Z" };
    expect(userFor({ id: grace.id, role: "ADMIN" }, grace)).toEqual(full);
    expect(userFor({ id: grace.id, role: "USER" }, grace)).toEqual(full);
    expect(userFor({ id: "another-admin", role: "ADMIN" }, grace)).toEqual(full);
  });
});
