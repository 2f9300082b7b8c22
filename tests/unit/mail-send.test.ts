import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startMailCatcher, type MailCatcher } from "@/tools/mail-catcher";

const state = vi.hoisted(() => ({
  settings: {} as { mail?: { smtpUrl: string; from: string }; appUrl?: string },
  warn: vi.fn(),
  info: vi.fn(),
  create: vi.fn(async () => ({})),
  findUser: vi.fn(async () => ({ username: "ada" })),
}));

vi.mock("@/lib/config", () => ({ config: () => state.settings }));
vi.mock("@/lib/db/client", () => ({ db: { authEvent: { create: state.create }, user: { findUnique: state.findUser } } }));
vi.mock("@/lib/log", () => ({ log: { info: state.info, warn: state.warn, error: vi.fn() } }));

const { appLink, deliver } = await import("@/lib/mail/send");

let catcher: MailCatcher;
const mail = { to: "ada@example.com", subject: "Reset your password", text: "http://localhost:3000/reset-password?token=t", html: "<p>x</p>" };

beforeAll(async () => {
  catcher = await startMailCatcher();
  state.settings = { mail: { smtpUrl: catcher.smtpUrl, from: "Tessera <no-reply@tessera.test>" }, appUrl: "https://app.tessera.test" };
});

afterAll(() => catcher.close());

afterEach(() => {
  vi.useRealTimers();
  vi.clearAllMocks();
});

describe("deliver", () => {
  it("sends from MAIL_FROM over SMTP and logs the kind of mail, not the address", async () => {
    expect(await deliver(mail, { kind: "password_reset", userId: "u1" })).toBe(true);
    const [caught] = catcher.messages();
    expect(caught).toMatchObject({ to: ["ada@example.com"], subject: "Reset your password", text: mail.text });
    expect(caught!.from).toContain("no-reply@tessera.test");
    expect(state.info).toHaveBeenCalledWith({ event: "mail_sent", kind: "password_reset", userId: "u1", attempt: 1 }, "mail");
    expect(JSON.stringify(state.info.mock.calls)).not.toContain("ada@example.com");
  });

  it("tries three times, then logs and records mail_failed without the address", async () => {
    await catcher.close(); // nothing listens there any more: every attempt is refused
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const result = deliver(mail, { kind: "password_reset", userId: "u1" });
    for (const attempt of [1, 2, 3]) {
      await vi.waitFor(() => expect(state.warn).toHaveBeenCalledTimes(attempt), { timeout: 5_000, interval: 10 });
      if (attempt < 3) await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(await result).toBe(false);
    expect(state.warn.mock.calls.map(([fields]) => [fields.attempt, fields.final, fields.code])).toEqual([
      [1, false, "ESOCKET"],
      [2, false, "ESOCKET"],
      [3, true, "ESOCKET"],
    ]);
    expect(JSON.stringify(state.warn.mock.calls)).not.toContain("ada@example.com");
    expect(state.create).toHaveBeenCalledWith({ data: { type: "mail_failed", userId: "u1", username: "ada" } });
  });

  it("sends nothing without mail settings", async () => {
    const saved = state.settings;
    state.settings = {};
    try {
      expect(await deliver(mail, { kind: "password_reset", userId: "u1" })).toBe(false);
      expect(state.warn).not.toHaveBeenCalled();
    } finally {
      state.settings = saved;
    }
  });
});

describe("appLink", () => {
  it("builds links on APP_URL with their parameters encoded", () => {
    expect(appLink("/reset-password", { token: "a b&c" })).toBe("https://app.tessera.test/reset-password?token=a+b%26c");
  });

  it("refuses with email_unavailable without APP_URL", () => {
    const saved = state.settings;
    state.settings = {};
    try {
      expect(() => appLink("/reset-password")).toThrow(expect.objectContaining({ code: "email_unavailable" }));
    } finally {
      state.settings = saved;
    }
  });
});
