/**
 * Signing keys for the environment (docs/tokens-and-cookies.md), printed as env lines to paste into
 * `.env.local` or a hosting dashboard; nothing is written to disk.
 *
 *   npm run keys:generate -- --alg ES256   a new key (HS256, RS256, ES256 or EdDSA; default HS256)
 *   npm run keys:generate -- --current     the JWT_PREVIOUS_KEYS entry for the key configured now
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { exportPKCS8, generateKeyPair } from "jose";
import { ConfigError, parseConfig } from "@/lib/config";
import { isJwtAlgorithm, JWT_ALGORITHMS, type JwtAlgorithm } from "@/lib/key-format";
import { previousKeyEntry } from "@/lib/edge/keys";
import { modeOf, withEnvFiles, type Env } from "./env-files";

const HMAC_SECRET_BYTES = 48;

/** One env line: a PEM's newlines written as `\n`, which both .env files and config() read back. */
export function pemEnvValue(pem: string): string {
  return `"${pem.trim().replace(/\r?\n/g, "\\n")}"`;
}

/** The settings for a fresh key of `alg`; the caller prints them. */
export async function generateKeyEnv(alg: JwtAlgorithm): Promise<Env> {
  if (alg === "HS256") return { JWT_ALG: alg, JWT_SECRET: randomBytes(HMAC_SECRET_BYTES).toString("base64") };
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { JWT_ALG: alg, JWT_PRIVATE_KEY: await exportPKCS8(privateKey) };
}

/** `npm run keys:generate -- --alg <alg>` output: the env lines, then the key's future JWT_PREVIOUS_KEYS entry as a comment. */
export async function generateKeyLines(alg: JwtAlgorithm): Promise<string[]> {
  const env = await generateKeyEnv(alg);
  // Read back through the app's own checks, so what we print is known to start the server.
  const entry = await previousKeyEntry(parseConfig(env).jwt);
  const value = env.JWT_PRIVATE_KEY === undefined ? `JWT_SECRET=${env.JWT_SECRET}` : `JWT_PRIVATE_KEY=${pemEnvValue(env.JWT_PRIVATE_KEY)}`;
  const note =
    alg === "HS256"
      ? `# kid ${entry.kid}. At the next rotation, add this JWK to JWT_PREVIOUS_KEYS (it holds the secret: keep it as safe as JWT_SECRET):`
      : `# Public key, kid ${entry.kid}. At the next rotation, add this JWK to JWT_PREVIOUS_KEYS:`;
  return [`JWT_ALG=${alg}`, value, note, `# ${JSON.stringify(entry)}`];
}

/** `--current`: the JWT_PREVIOUS_KEYS line that keeps the key configured now verifying after it is replaced. */
export async function currentKeyLines(env: Env): Promise<string[]> {
  const { jwt } = parseConfig(env);
  const entry = await previousKeyEntry(jwt);
  return [
    `# The key configured now (JWT_ALG=${jwt.alg}, kid ${entry.kid}), as a JWT_PREVIOUS_KEYS entry.`,
    "# In a hosting dashboard paste the value without the single quotes.",
    `JWT_PREVIOUS_KEYS='${JSON.stringify([entry])}'`,
  ];
}

const USAGE = `usage: npm run keys:generate -- [--alg ${JWT_ALGORITHMS.join("|")}] | --current`;

type Command = { kind: "generate"; alg: JwtAlgorithm } | { kind: "current" } | { kind: "usage"; problem?: string };

export function parseArgs(argv: readonly string[]): Command {
  let alg: string = "HS256";
  let current = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--current") current = true;
    else if (arg === "--alg") alg = argv[++i] ?? "";
    else if (arg.startsWith("--alg=")) alg = arg.slice("--alg=".length);
    else if (arg === "--help" || arg === "-h") return { kind: "usage" };
    else return { kind: "usage", problem: `unknown argument ${arg}` };
  }
  if (current) return { kind: "current" };
  if (!isJwtAlgorithm(alg)) return { kind: "usage", problem: `--alg must be one of ${JWT_ALGORITHMS.join(", ")}` };
  return { kind: "generate", alg };
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (command.kind === "usage") {
    console.error(command.problem ? `${command.problem}\n${USAGE}` : USAGE);
    return command.problem ? 2 : 0;
  }
  const lines =
    command.kind === "generate" ? await generateKeyLines(command.alg) : await currentKeyLines(withEnvFiles(process.env, modeOf(process.env)));
  console.log(lines.join("\n"));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : error);
      process.exit(1);
    },
  );
}
