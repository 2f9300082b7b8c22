import { PageLink } from "@/app/_components/page-link";
import { SignedInNav } from "@/app/_components/signed-in-nav";
import { optionalTokenClaims } from "@/lib/auth/dal";

/**
 * The header of every page. Who is signed in comes from the verified access
 * token alone, so public pages stay free of database queries; "Admin" shows
 * for a token that says ADMIN, and /admin itself still checks the role in the
 * database; the organization switcher names the organization the token does,
 * and every organization page checks the membership in the database. The
 * signed-in links are one client component (./signed-in-nav.tsx).
 */
export async function SiteHeader() {
  const claims = await optionalTokenClaims();
  return (
    <header className="site-header">
      <PageLink href="/" className="brand">
        Tessera
      </PageLink>
      <nav aria-label="Main">
        <ul>
          {claims ? (
            <SignedInNav
              username={claims.username}
              admin={claims.role === "ADMIN"}
              org={claims.org ? { id: claims.org, slug: claims.org_slug!, role: claims.org_role! } : null}
            />
          ) : (
            <>
              <li>
                <PageLink href="/login">Sign in</PageLink>
              </li>
              <li>
                <PageLink href="/register">Register</PageLink>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}
