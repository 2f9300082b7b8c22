import { PageLink } from "@/app/_components/page-link";

export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <PageLink href="/">Go to the home page</PageLink>
      </p>
    </>
  );
}
