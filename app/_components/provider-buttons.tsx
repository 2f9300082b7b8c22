/**
 * "Continue with …" for each configured sign-in provider: plain links to the
 * start route (a GET), so they work without JavaScript. Nothing when no
 * provider is configured.
 */
import type { ProviderView } from "@/lib/auth/federation/providers";

export function ProviderButtons({ providers, next }: { providers: ProviderView[]; next: string }) {
  if (providers.length === 0) return null;
  const query = next === "/dashboard" ? "" : `?${new URLSearchParams({ next })}`;
  return (
    <nav aria-label="Other ways to sign in" className="providers">
      <p className="hint">Or sign in with an account you already have:</p>
      <ul>
        {providers.map((provider) => (
          <li key={provider.id}>
            <a className="button-link" href={`/api/auth/oauth/${provider.id}${query}`}>
              Continue with {provider.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A form that starts a flow at a provider for the signed-in user: connecting
 * it, or confirming who you are through it. A POST from our own page, so a
 * foreign site cannot start one.
 */
export function ProviderActionForm({ provider, intent, next, children }: { provider: ProviderView; intent: "connect" | "reauth"; next: string; children: string }) {
  return (
    <form method="post" action={`/api/auth/oauth/${provider.id}`} className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="next" value={next} />
      <button type="submit" className="secondary">
        {children}
      </button>
    </form>
  );
}
