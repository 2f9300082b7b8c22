import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tessera", template: "%s · Tessera" },
  description: "Cookie JWT sessions in Next.js, done right.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request makes every page dynamic, so each response carries the
  // per-request CSP nonce that the middleware generated (lib/edge/security-headers.ts).
  await headers();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            Tessera
          </Link>
          <nav aria-label="Main">
            <ul>
              <li>
                {/* No prefetch for protected pages: a prefetch without a fresh token would run the refresh route. */}
                <Link href="/dashboard" prefetch={false}>
                  Dashboard
                </Link>
              </li>
              <li>
                <Link href="/admin" prefetch={false}>
                  Admin
                </Link>
              </li>
              <li>
                <Link href="/login">Sign in</Link>
              </li>
              <li>
                <Link href="/register">Register</Link>
              </li>
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
