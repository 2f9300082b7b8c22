import { TokenPanel } from "@/app/_components/token-panel";

export default function HomePage() {
  return (
    <>
      <h1>Welcome</h1>
      <p className="hint">
        Sign in, then ask the server for a fresh access token or for the details of the one in your cookie. The
        token lives in an httpOnly cookie: this page&apos;s scripts never see it.
      </p>
      <TokenPanel />
    </>
  );
}
