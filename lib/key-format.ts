/**
 * The shape of the signing-key settings (docs/tokens-and-cookies.md): JWT_PRIVATE_KEY as a PKCS#8 PEM and
 * JWT_PREVIOUS_KEYS as JWKs. Synchronous, pure and Edge-safe, so lib/config.ts refuses a
 * malformed or mismatched key at start-up; the crypto import itself is lib/edge/keys.ts's.
 */

export const JWT_ALGORITHMS = ["HS256", "RS256", "ES256", "EdDSA"] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The JWK members that define each kind of key; nothing else is kept or published. */
const KEY_MEMBERS = {
  HS256: { kty: "oct", required: ["k"] },
  RS256: { kty: "RSA", required: ["n", "e"] },
  ES256: { kty: "EC", crv: "P-256", required: ["x", "y"] },
  EdDSA: { kty: "OKP", crv: "Ed25519", required: ["x"] },
} as const satisfies Record<JwtAlgorithm, { kty: string; crv?: string; required: readonly string[] }>;

/** Members that only a private key has (RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2). */
export const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** A verification key from JWT_PREVIOUS_KEYS, reduced to the members that define it. */
export interface PreviousKey {
  alg: JwtAlgorithm;
  kty: string;
  crv?: string;
  /** oct only: the old HMAC secret's bytes, base64url. */
  k?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  /** As written in the setting; keys.ts checks it against the RFC 7638 thumbprint. */
  kid?: string;
}

export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly unknown[]).includes(value);
}

const generateHint = (alg: JwtAlgorithm) => `npm run keys:generate -- --alg ${alg}`;

// ── JWT_PRIVATE_KEY ─────────────────────────────────────────────────────────

/**
 * Hosting dashboards and one-line env files cannot hold newlines, so a PEM may
 * arrive with literal `\n` escapes, Windows line ends or the quotes of an env file.
 */
export function normalizePem(value: string): string {
  let pem = value.trim();
  if (pem.length > 1 && /^(["']).*\1$/s.test(pem)) pem = pem.slice(1, -1);
  return `${pem.replace(/\\r\\n|\\n/g, "\n").replace(/\r\n/g, "\n").trim()}\n`;
}

/** What a PKCS#8 key is, named as an operator would recognise it. */
export type PrivateKeyKind = "RSA" | "EC P-256" | "EC P-384" | "EC P-521" | "EC" | "Ed25519" | "Ed448" | "X25519" | "RSA-PSS" | "unknown";

const ALG_OF_KIND: Partial<Record<PrivateKeyKind, JwtAlgorithm>> = { RSA: "RS256", "EC P-256": "ES256", Ed25519: "EdDSA" };

/** Object identifiers (DER content bytes, hex) of the key algorithms and curves we may meet. */
const KEY_OIDS: Record<string, PrivateKeyKind> = {
  "2a864886f70d010101": "RSA",
  "2a864886f70d01010a": "RSA-PSS",
  "2a8648ce3d0201": "EC",
  "2b6570": "Ed25519",
  "2b6571": "Ed448",
  "2b656e": "X25519",
};
const CURVE_OIDS: Record<string, PrivateKeyKind> = {
  "2a8648ce3d030107": "EC P-256",
  "2b81040022": "EC P-384",
  "2b81040023": "EC P-521",
};

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER tag-length-value at `offset`, or null when the bytes are not DER. */
function readTlv(der: Uint8Array, offset: number): Tlv | null {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) return null;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] ?? Number.NaN);
    start += octets;
  }
  const end = start + length;
  return Number.isNaN(end) || end > der.length ? null : { tag, start, end };
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE { OID, parameters }, privateKey OCTET STRING } (RFC 5208). */
export function privateKeyKind(der: Uint8Array): PrivateKeyKind | null {
  const info = readTlv(der, 0);
  if (!info || info.tag !== 0x30 || info.end !== der.length) return null;
  const version = readTlv(der, info.start);
  if (!version || version.tag !== 0x02) return null;
  const algorithm = readTlv(der, version.end);
  if (!algorithm || algorithm.tag !== 0x30) return null;
  const oid = readTlv(der, algorithm.start);
  if (!oid || oid.tag !== 0x06) return null;
  const key = readTlv(der, algorithm.end);
  if (!key || key.tag !== 0x04) return null;
  const kind = KEY_OIDS[hex(der.subarray(oid.start, oid.end))] ?? "unknown";
  if (kind !== "EC") return kind;
  const curve = readTlv(der, oid.end);
  return (curve?.tag === 0x06 && CURVE_OIDS[hex(der.subarray(curve.start, curve.end))]) || "EC";
}

function base64Decode(body: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

const PEM = /^-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)\n?-----END \1-----\n$/;

/** The PEM's key kind, or the reason it is unusable as JWT_PRIVATE_KEY. */
export function inspectPrivateKeyPem(pem: string, alg: JwtAlgorithm): { kind: PrivateKeyKind } | { problem: string } {
  const match = PEM.exec(pem);
  const label = match?.[1];
  const notPkcs8 = `JWT_PRIVATE_KEY must be an unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----" … "-----END PRIVATE KEY-----", newlines may be written as \\n); generate one with \`${generateHint(alg)}\``;
  if (!match || !label) return { problem: `JWT_PRIVATE_KEY is not a PEM key. ${notPkcs8}` };
  if (label === "RSA PRIVATE KEY" || label === "EC PRIVATE KEY") {
    return { problem: `JWT_PRIVATE_KEY is a "${label}" (PKCS#1/SEC1), not PKCS#8: convert it with \`openssl pkcs8 -topk8 -nocrypt -in key.pem\`` };
  }
  if (label === "ENCRYPTED PRIVATE KEY") return { problem: `JWT_PRIVATE_KEY is encrypted. ${notPkcs8}` };
  if (label.includes("PUBLIC KEY") || label === "CERTIFICATE") {
    return { problem: `JWT_PRIVATE_KEY holds a ${label.toLowerCase()}, not a private key. ${notPkcs8}` };
  }
  if (label !== "PRIVATE KEY") return { problem: `JWT_PRIVATE_KEY is a "${label}". ${notPkcs8}` };
  const der = base64Decode(match[2]!.replace(/\s+/g, ""));
  const kind = der && privateKeyKind(der);
  if (!kind) return { problem: `JWT_PRIVATE_KEY is damaged: its PEM body is not a PKCS#8 structure. ${notPkcs8}` };
  return { kind };
}

/** The algorithm a key of this kind signs with here, if any. */
export function algorithmForKind(kind: PrivateKeyKind): JwtAlgorithm | undefined {
  return ALG_OF_KIND[kind];
}

/** The reason JWT_PRIVATE_KEY cannot sign `alg` tokens, or null when it can (structurally). */
export function privateKeyProblem(pem: string, alg: JwtAlgorithm): string | null {
  const inspected = inspectPrivateKeyPem(pem, alg);
  if ("problem" in inspected) return inspected.problem;
  const fits = algorithmForKind(inspected.kind);
  if (alg === "HS256") {
    const switchTo = fits ? `set JWT_ALG=${fits} to sign with it` : "set JWT_ALG to RS256, ES256 or EdDSA with a matching key";
    return `JWT_PRIVATE_KEY is set but JWT_ALG is HS256 (the default), which signs with JWT_SECRET: ${switchTo}, or remove JWT_PRIVATE_KEY`;
  }
  if (fits === alg) return null;
  const supported = "RS256 takes an RSA key, ES256 an EC P-256 key, EdDSA an Ed25519 key";
  const fix = fits ? `set JWT_ALG=${fits}, or give a key that fits ${alg}` : `give a key that fits ${alg}`;
  return `JWT_PRIVATE_KEY is an ${inspected.kind} key but JWT_ALG is ${alg} (${supported}): ${fix}; \`${generateHint(alg)}\` makes one`;
}

// ── JWT_PREVIOUS_KEYS ───────────────────────────────────────────────────────

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** jose refuses RSA keys under 2048 bits; say so at start-up rather than on the first token. */
const MIN_RSA_MODULUS_BYTES = 256;
const MIN_HMAC_KEY_BYTES = 32;

const base64urlLength = (value: string) => Math.floor((value.length * 3) / 4);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One entry of JWT_PREVIOUS_KEYS → a PreviousKey, or the reasons it is not one. */
export function parsePreviousKey(entry: unknown, where: string): PreviousKey | string[] {
  if (!isRecord(entry)) return [`${where} must be a JWK object`];
  const { alg } = entry;
  if (!isJwtAlgorithm(alg)) {
    return [`${where} needs "alg": one of ${JWT_ALGORITHMS.join(", ")} (the algorithm the key signed with)`];
  }
  const shape: { kty: string; crv?: string; required: readonly string[] } = KEY_MEMBERS[alg];
  const problems: string[] = [];
  if (entry.kty !== shape.kty || ("crv" in shape && entry.crv !== shape.crv)) {
    const expected = shape.crv ? `kty "${shape.kty}" with crv "${shape.crv}"` : `kty "${shape.kty}"`;
    problems.push(`${where} says alg ${alg}, which needs ${expected}; it has kty ${JSON.stringify(entry.kty)}${entry.crv ? ` crv ${JSON.stringify(entry.crv)}` : ""}`);
  }
  const secretMembers = alg === "HS256" ? [] : PRIVATE_JWK_MEMBERS.filter((name) => name in entry);
  if (secretMembers.length > 0) {
    problems.push(
      `${where} contains private members (${secretMembers.join(", ")}): a previous key only verifies, so list its public JWK (the one /.well-known/jwks.json or \`npm run keys:generate\` prints)`,
    );
  }
  for (const name of shape.required) {
    const value = entry[name];
    if (typeof value !== "string" || !BASE64URL.test(value)) problems.push(`${where} needs "${name}" as a base64url string`);
  }
  if (entry.use !== undefined && entry.use !== "sig") problems.push(`${where} has "use": ${JSON.stringify(entry.use)}; a signing key has "sig" or no use`);
  if (entry.kid !== undefined && typeof entry.kid !== "string") problems.push(`${where} has a kid that is not a string`);
  if (problems.length > 0) return problems;

  const members = Object.fromEntries(shape.required.map((name) => [name, entry[name] as string]));
  const key: PreviousKey = {
    alg,
    kty: shape.kty,
    ...(shape.crv ? { crv: shape.crv } : {}),
    ...members,
    ...(typeof entry.kid === "string" ? { kid: entry.kid } : {}),
  };
  if (alg === "HS256" && base64urlLength(key.k!) < MIN_HMAC_KEY_BYTES) return [`${where} is an HMAC key shorter than 32 bytes`];
  if (alg === "RS256" && base64urlLength(key.n!) < MIN_RSA_MODULUS_BYTES) return [`${where} is an RSA key under 2048 bits, which RS256 refuses`];
  return key;
}

/**
 * JWT_PREVIOUS_KEYS: a JSON array of JWKs, or a JWK Set `{"keys": [...]}` (so the
 * output of /.well-known/jwks.json can be pasted as is). Each JWK carries `alg`.
 */
export function parsePreviousKeys(value: string | undefined): { keys: PreviousKey[] } | { problems: string[] } {
  if (value === undefined || value.trim() === "") return { keys: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { problems: [`JWT_PREVIOUS_KEYS is not JSON: write a JSON array of JWKs, e.g. [{"kty":"EC","crv":"P-256","x":"…","y":"…","alg":"ES256"}]`] };
  }
  const entries = isRecord(parsed) && Array.isArray(parsed.keys) ? parsed.keys : parsed;
  if (!Array.isArray(entries)) return { problems: [`JWT_PREVIOUS_KEYS must be a JSON array of JWKs or a JWK Set {"keys": [...]}`] };
  const keys: PreviousKey[] = [];
  const problems: string[] = [];
  entries.forEach((entry: unknown, index) => {
    const result = parsePreviousKey(entry, `JWT_PREVIOUS_KEYS[${index}]`);
    if (Array.isArray(result)) problems.push(...result);
    else keys.push(result);
  });
  return problems.length > 0 ? { problems } : { keys };
}

// ── The settings together ───────────────────────────────────────────────────

export interface KeySettingsInput {
  JWT_ALG: JwtAlgorithm;
  JWT_SECRET?: string | undefined;
  JWT_PRIVATE_KEY?: string | undefined;
  JWT_PREVIOUS_KEYS?: string | undefined;
}

export interface KeyMaterial {
  /** HS256 only; ignored (and dropped) under an asymmetric algorithm. */
  secret?: string;
  /** Asymmetric only: the PKCS#8 PEM with real newlines. */
  privateKey?: string;
  previousKeys: readonly PreviousKey[];
}

const byteLength = (value: string) => new TextEncoder().encode(value).length;

/** Checks the key settings together; returns the material to import, or every problem found. */
export function keyMaterial(env: KeySettingsInput): { material: KeyMaterial } | { problems: string[] } {
  const problems: string[] = [];
  const alg = env.JWT_ALG;
  const privateKey = env.JWT_PRIVATE_KEY === undefined ? undefined : normalizePem(env.JWT_PRIVATE_KEY);
  if (alg === "HS256") {
    if (env.JWT_SECRET === undefined) {
      problems.push("JWT_SECRET is not set: set it to at least 32 random bytes, e.g. `openssl rand -base64 48` or `npm run keys:generate`");
    } else if (byteLength(env.JWT_SECRET) < MIN_HMAC_KEY_BYTES) {
      problems.push("JWT_SECRET is too short: it needs at least 32 random bytes, e.g. `openssl rand -base64 48` or `npm run keys:generate`");
    }
    if (privateKey !== undefined) problems.push(privateKeyProblem(privateKey, alg)!);
  } else if (privateKey === undefined) {
    problems.push(`JWT_PRIVATE_KEY is not set: JWT_ALG=${alg} signs with a PKCS#8 private key; generate one with \`${generateHint(alg)}\``);
  } else {
    const problem = privateKeyProblem(privateKey, alg);
    if (problem) problems.push(problem);
  }
  const previous = parsePreviousKeys(env.JWT_PREVIOUS_KEYS);
  if ("problems" in previous) problems.push(...previous.problems);
  if (problems.length > 0 || !("keys" in previous)) return { problems };
  return {
    material: alg === "HS256" ? { secret: env.JWT_SECRET!, previousKeys: previous.keys } : { privateKey: privateKey!, previousKeys: previous.keys },
  };
}
