/**
 * The sign-in providers `npm test` runs beside the app: the certified
 * `oidc-provider` (./oidc-provider.ts) and the GitHub stand-in
 * (./github-standin.ts), both over https with one throwaway certificate
 * (./test-certificate.ts) that the app and the test processes trust through
 * NODE_EXTRA_CA_CERTS. `env` holds the settings that point the app at them
 * (AUTH_OIDC_*, AUTH_GITHUB_*); the tests read the same names to drive them.
 */
import { randomBytes } from "node:crypto";
import { startGitHubStandin } from "@/tools/github-standin";
import { startLocalOidcProvider } from "@/tools/oidc-provider";
import { makeTestCertificate } from "@/tools/test-certificate";

export interface FederationServices {
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Both providers for an app served at `appUrl` (its APP_URL). */
export async function startFederationServices(appUrl: string): Promise<FederationServices> {
  const certificate = makeTestCertificate();
  const oidc = { clientId: "tessera-test", clientSecret: randomBytes(24).toString("base64url") };
  const github = { clientId: "tessera-test-github", clientSecret: randomBytes(24).toString("base64url") };
  const tls = { key: certificate.key, cert: certificate.cert };
  try {
    const [provider, standin] = await Promise.all([
      startLocalOidcProvider({ tls, clients: [{ ...oidc, redirectUris: [`${appUrl}/api/auth/oauth/oidc/callback`] }], title: "Test OpenID Provider" }),
      startGitHubStandin({ ...github, redirectUri: `${appUrl}/api/auth/oauth/github/callback`, tls }),
    ]);
    return {
      env: {
        NODE_EXTRA_CA_CERTS: certificate.certFile,
        AUTH_OIDC_ISSUER: provider.issuer,
        AUTH_OIDC_CLIENT_ID: oidc.clientId,
        AUTH_OIDC_CLIENT_SECRET: oidc.clientSecret,
        AUTH_OIDC_NAME: "Test SSO",
        AUTH_GITHUB_CLIENT_ID: github.clientId,
        AUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
        AUTH_GITHUB_URL: standin.url,
      },
      async close() {
        await Promise.all([provider.close(), standin.close()]);
        certificate.remove();
      },
    };
  } catch (error) {
    certificate.remove();
    throw error;
  }
}
