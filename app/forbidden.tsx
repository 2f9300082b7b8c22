import { PageLink } from "@/app/_components/page-link";

/** Rendered with HTTP 403 when a signed-in user opens a page their role does not allow. */
export default function Forbidden() {
  return (
    <>
      <h1>Forbidden</h1>
      <p>You are signed in, but your account is not allowed to open this page. It needs the ADMIN role.</p>
      <p>
        <PageLink href="/dashboard">Back to your dashboard</PageLink>
      </p>
    </>
  );
}
