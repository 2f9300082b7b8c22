/**
 * A throwaway TLS certificate for this machine's loopback names (localhost,
 * 127.0.0.1, ::1), made with openssl into a fresh temporary directory: the
 * local OpenID Provider and the GitHub stand-in serve https with it, and a Node
 * process trusts it by NODE_EXTRA_CA_CERTS=<certFile>, which must be set before
 * that process starts. It is its own authority, valid for two days, and its
 * key never leaves the directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestCertificate {
  /** PEM, for https.createServer. */
  key: string;
  cert: string;
  /** The certificate's file: what NODE_EXTRA_CA_CERTS names. */
  certFile: string;
  /** Deletes the directory. */
  remove(): void;
}

export function makeTestCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), "tessera-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  const result = spawnSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
      "-subj", "/CN=Tessera local test authority",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-keyout", keyFile, "-out", certFile,
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make a test certificate: ${result.error?.message ?? result.stderr}`);
  }
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
