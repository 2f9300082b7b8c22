/**
 * A local stand-in for GitHub's OAuth app endpoints, laid out as GitHub
 * Enterprise Server lays them out (what AUTH_GITHUB_URL points at):
 *
 *   GET  /login/oauth/authorize      a sign-in page (the client, redirect URI
 *        and PKCE challenge checked), whose form says who signs in
 *   POST /login/oauth/access_token   the code (once, within 10 minutes, with
 *        its client's secret, redirect URI and PKCE verifier) for a token,
 *        answered as GitHub does: 200 with JSON, errors included
 *   GET  /api/v3/user, /api/v3/user/emails   who the token's user is
 *
 * For the tests only (over https with the test certificate): nothing here is
 * GitHub's code, and nothing leaves the machine.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface GitHubStandinOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Serve https with this key and certificate; without, plain http. */
  tls?: { key: string; cert: string };
}

export interface GitHubStandin {
  /** What AUTH_GITHUB_URL is set to. */
  url: string;
  close(): Promise<void>;
}

interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

interface Grant {
  user: GitHubUser;
  codeChallenge: string;
  expiresAt: number;
}

const CODE_TTL_MS = 10 * 60 * 1000;
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The user a submitted sign-in form describes (fields: id, login, name, email, verified). */
function userFromForm(form: URLSearchParams): GitHubUser | null {
  const id = Number(form.get("id"));
  const login = form.get("login")?.trim();
  if (!Number.isSafeInteger(id) || id <= 0 || !login) return null;
  const email = form.get("email")?.trim();
  return {
    id,
    login,
    name: form.get("name")?.trim() || null,
    emails: email ? [{ email, primary: true, verified: form.get("verified") === "true" }] : [],
  };
}

export async function startGitHubStandin(options: GitHubStandinOptions): Promise<GitHubStandin> {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, GitHubUser>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://standin.invalid");
    if (url.pathname === "/login/oauth/authorize") {
      const params = req.method === "POST" ? await readBody(req) : url.searchParams;
      if (params.get("client_id") !== options.clientId || params.get("redirect_uri") !== options.redirectUri) {
        res.writeHead(400, { "content-type": "text/plain" }).end("The redirect_uri is not associated with this application.");
        return;
      }
      const challenge = params.get("code_challenge");
      if (!challenge || params.get("code_challenge_method") !== "S256") {
        res.writeHead(400, { "content-type": "text/plain" }).end("PKCE S256 is required.");
        return;
      }
      if (req.method !== "POST") {
        const hidden = ["client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method"]
          .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
          .join("");
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to the GitHub stand-in</title></head><body>
<h1>GitHub stand-in</h1><form method="post">${hidden}
<label>User id <input name="id" inputmode="numeric" required></label> <label>Login <input name="login" required></label>
<label>Name <input name="name"></label> <label>Email <input name="email" type="email"></label>
<label><input type="checkbox" name="verified" value="true"> Verified</label> <button type="submit">Authorize</button></form></body></html>`);
        return;
      }
      const user = userFromForm(params);
      if (!user) {
        res.writeHead(400, { "content-type": "text/plain" }).end("Say who signs in: id and login.");
        return;
      }
      const code = randomBytes(20).toString("hex");
      codes.set(code, { user, codeChallenge: challenge, expiresAt: Date.now() + CODE_TTL_MS });
      const back = new URL(options.redirectUri);
      back.searchParams.set("code", code);
      if (params.get("state")) back.searchParams.set("state", params.get("state")!);
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      const form = await readBody(req);
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent) : [];
      const clientId = form.get("client_id") ?? basicId;
      const clientSecret = form.get("client_secret") ?? basicSecret;
      if (clientId !== options.clientId || clientSecret !== options.clientSecret) return json(res, 200, { error: "incorrect_client_credentials" });
      const code = form.get("code") ?? "";
      const grant = codes.get(code);
      codes.delete(code);
      if (!grant || grant.expiresAt < Date.now() || form.get("redirect_uri") !== options.redirectUri) return json(res, 200, { error: "bad_verification_code" });
      const verifier = form.get("code_verifier") ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== grant.codeChallenge) return json(res, 200, { error: "bad_verification_code" });
      const token = `gho_${randomBytes(18).toString("hex")}`;
      tokens.set(token, grant.user);
      return json(res, 200, { access_token: token, token_type: "bearer", scope: "read:user,user:email" });
    }
    if (url.pathname === "/api/v3/user" || url.pathname === "/api/v3/user/emails") {
      const token = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const user = token ? tokens.get(token) : undefined;
      if (!user) return json(res, 401, { message: "Bad credentials" });
      if (url.pathname.endsWith("/emails")) return json(res, 200, user.emails.map((entry) => ({ ...entry, visibility: entry.primary ? "private" : null })));
      return json(res, 200, { id: user.id, login: user.login, name: user.name, email: null });
    }
    json(res, 404, { message: "Not Found" });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
