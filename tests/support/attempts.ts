/**
 * Many requests at a limit, sent ten at a time: the limits promise counts, not
 * an order, and ten in flight keep the server's bcrypt workers busy without a
 * hundred waiting at once on a loaded machine.
 */

/** The statuses of `count` requests, `send(attempt)` for attempt 0, 1, …, sent ten at a time. */
export async function statusesTenAtATime(count: number, send: (attempt: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < count; attempt += 10) {
    const batch = Array.from({ length: Math.min(10, count - attempt) }, (_, index) => send(attempt + index).then(({ status }) => status));
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}
