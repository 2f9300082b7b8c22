/**
 * Runs once when the server starts (Next.js instrumentation hook). The check
 * itself lives in a Node-only module, loaded only on the Node.js runtime.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("@/lib/startup");
}
