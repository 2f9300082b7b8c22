import Link from "next/link";
import { signOutAction } from "@/app/_actions/auth";
import { OrgSwitcher } from "@/app/_components/org-switcher";
import { optionalTokenClaims } from "@/lib/auth/dal";

/**
 * The header of every page. Who is signed in comes from the verified access
 * token alone, so public pages stay free of database queries; "Admin" shows
 * for a token that says ADMIN, and /admin itself still checks the role in the
 * database; the organization switcher names the organization the token does,
 * and every organization page checks the membership in the database. "Sign
 * out" is a form, so it works without JavaScript.
 */
export async function SiteHeader() {
  const claims = await optionalTokenClaims();
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Tessera
      </Link>
      <nav aria-label="Main">
        <ul>
          {claims ? (
            <>
              <li>
                {/* No prefetch for protected pages: a prefetch without a fresh token would run the refresh route. */}
                <Link href="/dashboard" prefetch={false}>
                  Dashboard
                </Link>
              </li>
              {claims.role === "ADMIN" ? (
                <li>
                  <Link href="/admin" prefetch={false}>
                    Admin
                  </Link>
                </li>
              ) : null}
              <li>
                <OrgSwitcher current={claims.org ? { id: claims.org, slug: claims.org_slug!, role: claims.org_role! } : null} />
              </li>
              <li>
                Signed in as <strong>{claims.username}</strong>
              </li>
              <li>
                <form action={signOutAction}>
                  <button type="submit" className="link-button">
                    Sign out
                  </button>
                </form>
              </li>
            </>
          ) : (
            <>
              <li>
                <Link href="/login">Sign in</Link>
              </li>
              <li>
                <Link href="/register">Register</Link>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}
