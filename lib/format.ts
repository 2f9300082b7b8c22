/** How the pages write a moment: "2026-11-25 14:05:12 UTC", the same for every viewer and in every test. */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

export function formatDateTime(value: string | Date): string {
  // The pages are mostly handed ISO instants in UTC: rewritten as text, they need no Date
  // (whose constructor the server wraps while it renders, to watch for clock reads).
  const iso = typeof value === "string" ? ISO_INSTANT.exec(value) : null;
  if (iso) return `${iso[1]} ${iso[2]} UTC`;
  return new Date(value).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}
