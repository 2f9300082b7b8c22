/**
 * The sign-in providers this deployment has: generic OpenID Connect (`oidc`),
 * Google (`google`) and GitHub (`github`), each only when its settings are
 * all there (lib/config.ts) and APP_URL, from which its redirect URI is built,
 * is known. A provider that is not configured does not exist: no button, and
 * its routes answer 404.
 */
import "server-only";
import { config } from "@/lib/config";

export const PROVIDER_IDS = ["oidc", "google", "github"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface Provider {
  id: ProviderId;
  /** The button's label: "Continue with <label>". */
  label: string;
  /** OpenID Connect (discovery, ID token), or GitHub's OAuth 2.0 with its user API. */
  protocol: "oidc" | "github";
  /** The OpenID Connect issuer; for GitHub its base URL. With the subject it keys an identity. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Whether an unknown identity may be linked to a local account by a verified, matching email address. */
  trustEmail: boolean;
  /** APP_URL + /api/auth/oauth/<id>/callback, exactly as registered at the provider. */
  redirectUri: string;
}

/** Google verifies the addresses it vouches for, so it is trusted for linking by email. */
const GOOGLE_ISSUER = "https://accounts.google.com";

export function configuredProviders(): Provider[] {
  const { federation, appUrl } = config();
  if (!appUrl) return [];
  const redirectUri = (id: ProviderId) => `${appUrl}/api/auth/oauth/${id}/callback`;
  const providers: Provider[] = [];
  if (federation.oidc) {
    const { issuer, clientId, clientSecret, name, trustEmail } = federation.oidc;
    providers.push({ id: "oidc", label: name, protocol: "oidc", issuer, clientId, clientSecret, trustEmail, redirectUri: redirectUri("oidc") });
  }
  if (federation.google) {
    providers.push({ id: "google", label: "Google", protocol: "oidc", issuer: GOOGLE_ISSUER, ...federation.google, trustEmail: true, redirectUri: redirectUri("google") });
  }
  if (federation.github) {
    const { url, clientId, clientSecret } = federation.github;
    providers.push({ id: "github", label: "GitHub", protocol: "github", issuer: url, clientId, clientSecret, trustEmail: false, redirectUri: redirectUri("github") });
  }
  return providers;
}

/** The configured provider called `id`, or null (unknown, or not configured here). */
export function findProvider(id: string): Provider | null {
  return configuredProviders().find((provider) => provider.id === id) ?? null;
}

/** What the pages show of a provider: never its secret. */
export interface ProviderView {
  id: ProviderId;
  label: string;
}

export function providerViews(): ProviderView[] {
  return configuredProviders().map(({ id, label }) => ({ id, label }));
}
