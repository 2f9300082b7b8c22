"use client";
/**
 * The organization switcher in the site header. It names the organization
 * the access token says the session works in (no query on any page); opened,
 * it lists the user's organizations from GET /api/orgs and switches with
 * PUT /api/auth/org, then reloads the page in the new organization. Without
 * JavaScript, or should the list not load, it offers /orgs, whose forms
 * switch as well.
 */
import { PageLink } from "@/app/_components/page-link";
import { useState } from "react";

/** The organization the access token names. */
export interface CurrentOrganization {
  id: string;
  slug: string;
  role: string;
}

interface Choice {
  id: string;
  name: string;
  slug: string;
  role: string;
}

type Listing = { state: "idle" | "loading" | "failed" } | { state: "ready"; organizations: Choice[] };

async function api(path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(path, { ...init, headers: { "content-type": "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(String(response.status));
  return response;
}

export function OrgSwitcher({ current }: { current: CurrentOrganization | null }) {
  const [listing, setListing] = useState<Listing>({ state: "idle" });
  const [busy, setBusy] = useState(false);

  async function load() {
    if (listing.state !== "idle" && listing.state !== "failed") return;
    setListing({ state: "loading" });
    try {
      const { data } = await (await api("/api/orgs")).json();
      setListing({ state: "ready", organizations: data.organizations });
    } catch {
      setListing({ state: "failed" });
    }
  }

  async function switchTo(orgId: string | null) {
    setBusy(true);
    try {
      await api("/api/auth/org", { method: "PUT", body: JSON.stringify({ orgId }) });
      window.location.reload();
    } catch {
      // A session that must refresh first, or a membership just ended: the page does it the long way.
      window.location.assign("/orgs");
    }
  }

  return (
    <details className="org-switcher" onToggle={(event) => event.currentTarget.open && void load()}>
      <summary>
        <span className="visually-hidden">Organization: </span>
        {current ? `${current.slug} (${current.role})` : "Personal"}
      </summary>
      <div className="org-switcher-menu">
        {listing.state === "ready" ? (
          <ul aria-label="Switch organization">
            {listing.organizations.map((organization) => (
              <li key={organization.id}>
                <button type="button" className="link-button" disabled={busy || organization.id === current?.id} onClick={() => void switchTo(organization.id)}>
                  {organization.name} <span className="hint">({organization.role})</span>
                </button>
              </li>
            ))}
            <li>
              <button type="button" className="link-button" disabled={busy || current === null} onClick={() => void switchTo(null)}>
                Personal (no organization)
              </button>
            </li>
          </ul>
        ) : listing.state === "loading" ? (
          <p className="hint">Loading…</p>
        ) : null}
        <PageLink href="/orgs">
          All organizations
        </PageLink>
      </div>
    </details>
  );
}
