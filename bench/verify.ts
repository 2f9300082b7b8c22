/**
 * Micro-benchmark of one session-token verification, run as a child process of
 * bench/run.ts (one process per algorithm, so each gets its own settings and heap).
 *
 *   tsx bench/verify.ts HS256|RS256|ES256|EdDSA [roundMs] [rounds]   → JSON on stdout
 *
 * Every candidate verifies the same token; candidates are measured in interleaved
 * rounds (rotating order) and each one's fastest round is kept: on this shared
 * machine other work only ever adds time, so the least disturbed round is the best
 * estimate of the cost itself. The median round is recorded too.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, timingSafeEqual, verify as nodeVerify, type KeyObject } from "node:crypto";
import { jwtVerify } from "jose";
import { NextRequest, NextResponse } from "next/server";
import type { SigningAlgorithm } from "@/lib/edge/keys";
import { ALGS } from "./plan";
import { median } from "./stats";

export interface VerifyRow {
  id: string;
  label: string;
  /** The fastest round's µs per verification. */
  usPerOp: number;
  medianUsPerOp: number;
  /** µs/op of every round, for the JSON record. */
  rounds: number[];
}

export interface VerifyResult {
  alg: SigningAlgorithm;
  tokenBytes: number;
  rows: VerifyRow[];
}

interface Candidate {
  id: string;
  label: string;
  /** One verification; returns something so the work cannot be optimised away. */
  run: () => unknown;
}

/** Settings for the product code, as the server would read them from its environment. */
function keyEnv(alg: SigningAlgorithm): { env: Record<string, string>; secret?: Buffer; publicKey?: KeyObject } {
  if (alg === "HS256") {
    const secret = randomBytes(48).toString("base64");
    return { env: { JWT_ALG: alg, JWT_SECRET: secret }, secret: Buffer.from(secret, "utf8") };
  }
  const pair =
    alg === "RS256"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : alg === "ES256"
        ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
        : generateKeyPairSync("ed25519");
  const pem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { env: { JWT_ALG: alg, JWT_PRIVATE_KEY: pem }, publicKey: createPublicKey(pair.privateKey) };
}

/** What WebCrypto's verify needs for each JWS algorithm. */
function webCryptoAlgorithm(alg: SigningAlgorithm): AlgorithmIdentifier | EcdsaParams {
  if (alg === "HS256") return "HMAC";
  if (alg === "RS256") return "RSASSA-PKCS1-v1_5";
  if (alg === "ES256") return { name: "ECDSA", hash: "SHA-256" };
  return "Ed25519";
}

function parsePayload(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

async function candidates(alg: SigningAlgorithm): Promise<{ list: Candidate[]; tokenBytes: number }> {
  const material = keyEnv(alg);
  // The product reads its settings from process.env once; set them before its modules load.
  Object.assign(process.env, { NODE_ENV: "production", JWT_ISSUER: "tessera", JWT_AUDIENCE: "tessera", ...material.env });
  const { keySet } = await import("@/lib/edge/keys");
  const { signAccessToken, verifyAccessToken } = await import("@/lib/edge/tokens");
  const { middleware } = await import("@/middleware");
  const { VerifiedTokenCache } = await import("@/lib/edge/token-cache");

  const keys = await keySet();
  const settings = { issuer: "tessera", audience: "tessera" };
  // Ids are UUIDs, as the database makes them; the token shape check refuses anything else.
  const subject = { userId: "00000000-0000-4000-8000-00000000b001", username: "toby", role: "USER" as const, sessionId: "00000000-0000-4000-8000-00000000b002", amr: ["pwd" as const], authTime: new Date() };
  const { token, claims } = await signAccessToken(subject, keys, { ...settings, ttlSeconds: 900 });
  const verification = keys.byKid.get(keys.current.kid);
  if (!verification) throw new Error("the key set has no verification key for its current kid");

  const warmCache = new VerifiedTokenCache();
  await warmCache.verify(token, keys, settings);

  const [headerPart = "", payloadPart = "", signaturePart = ""] = token.split(".");
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, "base64url");
  const webAlgorithm = webCryptoAlgorithm(alg);

  const nodeFloor: Candidate["run"] =
    alg === "HS256"
      ? () => {
          const expected = createHmac("sha256", material.secret!).update(signingInput).digest();
          if (!timingSafeEqual(expected, signature)) throw new Error("bad signature");
          return parsePayload(payloadPart);
        }
      : () => {
          // ES256 signatures are r‖s (IEEE P1363), not DER; Ed25519 takes no digest name.
          const key = alg === "ES256" ? { key: material.publicKey!, dsaEncoding: "ieee-p1363" as const } : material.publicKey!;
          if (!nodeVerify(alg === "EdDSA" ? null : "sha256", signingInput, key, signature)) throw new Error("bad signature");
          return parsePayload(payloadPart);
        };

  const list: Candidate[] = [
    { id: "floor-node", label: "floor (a): node:crypto verify + JSON parse", run: nodeFloor },
    {
      id: "floor-webcrypto",
      label: "floor (b): WebCrypto subtle.verify (pre-imported key) + JSON parse",
      run: async () => {
        if (!(await crypto.subtle.verify(webAlgorithm, verification.key, signature, signingInput))) throw new Error("bad signature");
        return parsePayload(payloadPart);
      },
    },
    { id: "jose", label: "jose.jwtVerify (same CryptoKey, alg pinned)", run: () => jwtVerify(token, verification.key, { algorithms: [alg] }) },
    { id: "ours", label: "verifyAccessToken (lib/edge/tokens.ts, key set)", run: () => verifyAccessToken(token, keys, settings) },
    { id: "cache-hit", label: "token cache hit (lib/edge/token-cache.ts: SHA-256 of the token + lookup)", run: () => warmCache.verify(token, keys, settings) },
    // A cache of its own each time: hash, miss, full check, store; what the first request of a token pays.
    { id: "cache-miss", label: "token cache miss (hash + verifyAccessToken + store)", run: () => new VerifiedTokenCache().verify(token, keys, settings) },
    {
      id: "middleware",
      label: "middleware() on a NextRequest for /dashboard (in-process)",
      run: async () => {
        const request = new NextRequest("http://localhost:3000/dashboard", { headers: { cookie: `__Host-tessera_session=${token}` } });
        const response = await middleware(request);
        // A redirect or 401 would mean the token was refused and we timed the wrong path.
        if (response.headers.get("x-middleware-next") !== "1") throw new Error(`middleware refused the token (${response.status})`);
        return response;
      },
    },
    {
      id: "middleware-empty",
      label: "empty middleware on the same NextRequest (in-process)",
      run: async () => {
        // What the bench-only empty middleware does; the NextRequest is built for both, as Next.js does.
        const request = new NextRequest("http://localhost:3000/dashboard", { headers: { cookie: `__Host-tessera_session=${token}` } });
        return [request, NextResponse.next()];
      },
    },
  ];

  if (alg === "HS256") {
    // Anchors: what two popular Next.js session libraries spend on their own session cookie.
    const { sealData, unsealData } = await import("iron-session");
    const { encode, decode } = await import("@auth/core/jwt");
    const password = randomBytes(32).toString("hex");
    const seal = await sealData(claims, { password });
    const salt = "authjs.session-token";
    const authJwt = await encode({ token: { ...claims }, secret: password, salt });
    list.push(
      { id: "iron-session", label: "anchor: iron-session unsealData", run: () => unsealData(seal, { password }) },
      {
        id: "authjs",
        label: "anchor: Auth.js @auth/core/jwt decode",
        run: async () => {
          if (!(await decode({ token: authJwt, secret: password, salt }))) throw new Error("Auth.js refused its own token");
        },
      },
    );
  }
  // Fail here, not mid-measurement, if any candidate refuses the token.
  for (const candidate of list) await candidate.run();
  return { list, tokenBytes: Buffer.byteLength(token) };
}

/** Runs `iterations` calls back to back; µs per call. */
async function timeBatch(candidate: Candidate, iterations: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await candidate.run();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

async function measure(list: Candidate[], roundMs: number, rounds: number): Promise<VerifyRow[]> {
  // Calibrate a batch size per candidate so every batch lasts about roundMs (and warm up the JIT).
  const batch = new Map<string, number>();
  for (const candidate of list) {
    let iterations = 16;
    let perOp = await timeBatch(candidate, iterations);
    while (perOp * iterations < 20_000) {
      iterations *= 2;
      perOp = await timeBatch(candidate, iterations);
    }
    batch.set(candidate.id, Math.max(1, Math.round((roundMs * 1000) / perOp)));
  }
  const samples = new Map<string, number[]>(list.map((candidate) => [candidate.id, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no candidate always runs right after the same neighbour.
    const order = list.map((_, i) => list[(i + round) % list.length]!);
    for (const candidate of order) samples.get(candidate.id)!.push(await timeBatch(candidate, batch.get(candidate.id)!));
  }
  return list.map((candidate) => {
    const kept = samples.get(candidate.id)!;
    return { id: candidate.id, label: candidate.label, usPerOp: Math.min(...kept), medianUsPerOp: median(kept), rounds: kept };
  });
}

async function main(): Promise<void> {
  const [algArg, roundMsArg, roundsArg] = process.argv.slice(2);
  const alg = ALGS.find((name) => name === algArg);
  if (!alg) throw new Error(`usage: tsx bench/verify.ts ${ALGS.join("|")} [roundMs] [rounds]`);
  const { list, tokenBytes } = await candidates(alg);
  const rows = await measure(list, Number(roundMsArg ?? 100), Number(roundsArg ?? 7));
  const result: VerifyResult = { alg, tokenBytes, rows };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
