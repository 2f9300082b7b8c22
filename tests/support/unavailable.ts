/** What a client may see when the database cannot answer: a prompt 503 in the error envelope, and nothing of the server's insides. */
import { expect } from "vitest";

/** The longest any request may take to answer, outage or not: a client gets an answer, never a hang past 10 s. */
export const ANSWER_WITHIN_MS = 10_000;

/** A 503 in the error envelope with Retry-After, and nothing of the server's insides. */
export async function expectServiceUnavailable(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(JSON.parse(text)).toEqual({ message: expect.any(String), error: "service_unavailable", data: null });
  expectNoInternals(text);
}

/** No stack frame, file path or driver message leaks into a response body. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.tsx?\b|ECONNREFUSED|prisma|postgres/i);
}
