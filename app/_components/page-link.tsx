/**
 * A link between the app's own pages: Next.js's <Link>, never prefetched. Every
 * page here is rendered per request, so a prefetch is a server render (two
 * requests for each link in view, on every page view) that most visitors never
 * use; and for a protected page, one without a fresh token would run the refresh
 * route. A click still moves to the page without reloading the document.
 */
import Link from "next/link";
import type { ComponentProps } from "react";

export function PageLink(props: Omit<ComponentProps<typeof Link>, "prefetch">) {
  return <Link {...props} prefetch={false} />;
}
