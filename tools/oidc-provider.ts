/**
 * A local OpenID Provider: the certified `oidc-provider` on a free loopback
 * port, for the tests (over https with a throwaway certificate,
 * ./test-certificate.ts) and for `npm run dev` (over http, so a browser shows no
 * warning; the app accepts a plain-http issuer outside production only).
 *
 * Its sign-in page lists the accounts it was given (the seeded users in
 * development), each a button, and a form for anyone else: the subject, email,
 * whether the email is verified, name and preferred username are whatever the
 * form says; "Cancel" answers access_denied. Tests post that form
 * themselves, as a browser would.
 *
 * For the attack tests an account may ask for a bad ID token (`tamper`): the
 * provider then signs, with its own key, an ID token whose nonce, audience,
 * issuer, expiry or auth_time is wrong, or one with `alg: none`, and hands it
 * out from its real token endpoint. The app must refuse every one of them.
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, base64url } from "jose";
import Provider, { interactionPolicy, type Adapter, type AdapterPayload, type Configuration, type KoaContextWithOIDC } from "oidc-provider";

/** How a bad ID token is wrong; see the module's comment. */
export const TAMPERINGS = ["nonce", "audience", "issuer", "alg-none", "expired", "stale-auth-time"] as const;
export type Tampering = (typeof TAMPERINGS)[number];

export interface ProviderAccount {
  sub: string;
  email?: string | undefined;
  email_verified?: boolean | undefined;
  name?: string | undefined;
  preferred_username?: string | undefined;
  tamper?: Tampering | undefined;
}

export interface ProviderClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface LocalOidcProviderOptions {
  clients: ProviderClient[];
  /** Offered as buttons on the sign-in page. */
  accounts?: ProviderAccount[];
  /** Serve https with this key and certificate; without, plain http. */
  tls?: { key: string; cert: string };
  /** 0 (default) picks a free port. */
  port?: number;
  /** The page's title: whose provider this is. */
  title?: string;
}

export interface LocalOidcProvider {
  /** `https://127.0.0.1:<port>` (or http without TLS). */
  issuer: string;
  close(): Promise<void>;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.4rem .9rem;margin:.2rem 0}label{display:block;margin:.4rem 0}input,select{font:inherit}fieldset{margin-top:1.5rem}</style>
</head><body>${body}</body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) req.destroy(new Error("form too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

/** The account a submitted sign-in form describes. */
function accountFromForm(form: URLSearchParams, known: Map<string, ProviderAccount>): ProviderAccount | null {
  const chosen = form.get("account");
  if (chosen) return known.get(chosen) ?? null;
  const sub = form.get("sub")?.trim();
  if (!sub) return null;
  const tamper = form.get("tamper");
  const text = (name: string) => form.get(name)?.trim() || undefined;
  return {
    sub,
    email: text("email"),
    email_verified: form.get("email_verified") === "true" || form.get("email_verified") === "on",
    name: text("name"),
    preferred_username: text("preferred_username"),
    tamper: (TAMPERINGS as readonly string[]).includes(tamper ?? "") ? (tamper as Tampering) : undefined,
  };
}

/**
 * The provider's sessions, codes and tokens, in this process's memory: what
 * oidc-provider's own development store does, without its warning that a real
 * deployment must not (this provider is never one).
 */
function memoryAdapter() {
  const stores = new Map<string, Map<string, { payload: AdapterPayload; expiresAt: number }>>();
  return class MemoryAdapter implements Adapter {
    private readonly items: Map<string, { payload: AdapterPayload; expiresAt: number }>;
    constructor(name: string) {
      this.items = stores.get(name) ?? new Map();
      stores.set(name, this.items);
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const now = Date.now();
      for (const [key, item] of this.items) if (item.expiresAt <= now) this.items.delete(key);
      this.items.set(id, { payload, expiresAt: now + expiresIn * 1000 });
    }
    async find(id: string) {
      const item = this.items.get(id);
      if (!item || item.expiresAt <= Date.now()) return undefined;
      return item.payload;
    }
    async findByUserCode(userCode: string) {
      return [...this.items.values()].find((item) => item.payload.userCode === userCode)?.payload;
    }
    async findByUid(uid: string) {
      return [...this.items.values()].find((item) => item.payload.uid === uid)?.payload;
    }
    async consume(id: string) {
      const item = this.items.get(id);
      if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      this.items.delete(id);
    }
    async revokeByGrantId(grantId: string) {
      for (const [id, item] of this.items) if (item.payload.grantId === grantId) this.items.delete(id);
    }
  };
}

export async function startLocalOidcProvider(options: LocalOidcProviderOptions): Promise<LocalOidcProvider> {
  const title = options.title ?? "Local OpenID Provider";
  const accounts = new Map<string, ProviderAccount>((options.accounts ?? []).map((account) => [account.sub, account]));
  const offered = [...accounts.values()];
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), alg: "RS256", use: "sig", kid: randomBytes(8).toString("hex") };

  // The server listens first, so the issuer (which names the port) is known before the provider exists.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => handler(req, res))
    : createHttpServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;

  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
    })),
    adapter: memoryAdapter(),
    jwks: { keys: [signingJwk] },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            ...(account.email ? { email: account.email, email_verified: Boolean(account.email_verified) } : {}),
            ...(account.name ? { name: account.name } : {}),
            ...(account.preferred_username ? { preferred_username: account.preferred_username } : {}),
          };
        },
      };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: chooseEveryTime() },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    // Without a refresh token nothing outlives the sign-in; the app asks for none.
    issueRefreshToken: async () => false,
  };
  const provider = new Provider(issuer, configuration);

  // The attack tests' bad ID tokens: re-signed with the provider's own key, from its real token endpoint.
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.oidc?.route !== "token" || !body?.id_token) return;
    const claims = decodeJwt(body.id_token);
    const tamper = accounts.get(String(claims.sub))?.tamper;
    if (tamper) body.id_token = await tamperedIdToken(claims, tamper, privateKey, signingJwk.kid);
  });

  const callback = provider.callback();
  handler = (req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(req.url ?? "/", issuer).pathname);
    if (!match) return void callback(req, res);
    void interaction(req, res, Boolean(match[2])).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
      res.end(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  async function interaction(req: IncomingMessage, res: ServerResponse, submitted: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (!submitted) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(signInPage(title, details.uid, offered, details.prompt.name));
      return;
    }
    if (req.method !== "POST") throw new Error("post the sign-in form");
    const form = await readForm(req);
    if (form.get("deny")) {
      await provider.interactionFinished(req, res, { error: "access_denied", error_description: "The user cancelled the sign-in." }, { mergeWithLastSubmission: false });
      return;
    }
    const account = accountFromForm(form, accounts);
    if (!account) throw new Error("no such account");
    accounts.set(account.sub, account);
    const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope("openid email profile");
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The standard prompts, with one more check: every authorization request shows
 * the sign-in page, even to a browser the provider already knows, so a
 * developer (or a test) chooses who signs in each time.
 */
function chooseEveryTime() {
  const policy = interactionPolicy.base();
  policy.get("login")!.checks.add(new interactionPolicy.Check("choose_account", "Choose who signs in", (ctx) => !ctx.oidc.result?.login));
  return policy;
}

function signInPage(title: string, uid: string, offered: ProviderAccount[], prompt: string): string {
  const action = `/interaction/${escapeHtml(uid)}/login`;
  const buttons = offered
    .map(
      (account) =>
        `<form method="post" action="${action}"><input type="hidden" name="account" value="${escapeHtml(account.sub)}"><button type="submit">${escapeHtml(
          account.name ?? account.sub,
        )}</button> <small>${escapeHtml(account.email ?? "no email")}</small></form>`,
    )
    .join("\n");
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${prompt === "login" ? "Sign in" : "Confirm"}: choose who you are. This provider runs on this machine for development and tests; nobody's password is asked.</p>
${buttons}
<form method="post" action="${action}"><fieldset><legend>Someone else</legend>
<label>Subject (the provider's id) <input name="sub" required></label>
<label>Email <input name="email" type="email"></label>
<label><input name="email_verified" type="checkbox" value="true"> The email is verified</label>
<label>Name <input name="name"></label>
<label>Preferred username <input name="preferred_username"></label>
<button type="submit">Sign in</button></fieldset></form>
<form method="post" action="${action}"><input type="hidden" name="deny" value="1"><button type="submit">Cancel</button></form>`,
  );
}

async function tamperedIdToken(claims: Record<string, unknown>, tamper: Tampering, key: CryptoKey, kid: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const changed: Record<string, unknown> = { ...claims };
  if (tamper === "nonce") changed.nonce = base64url.encode(randomBytes(16));
  if (tamper === "audience") changed.aud = "another-client";
  if (tamper === "issuer") changed.iss = "https://issuer.invalid";
  if (tamper === "expired") Object.assign(changed, { iat: now - 7200, exp: now - 3600 });
  if (tamper === "stale-auth-time") changed.auth_time = now - 3600;
  if (tamper === "alg-none") {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    return `${encode({ alg: "none", typ: "JWT" })}.${encode(changed)}.`;
  }
  return new SignJWT(changed).setProtectedHeader({ alg: "RS256", typ: "JWT", kid }).sign(key);
}
