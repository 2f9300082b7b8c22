/**
 * A process that owns the embedded database of a directory, as the launcher
 * does, until SIGINT or SIGTERM stops it (or a test kills it to leave a server
 * behind). Prints "ready started" or "ready reused" once the database answers.
 *
 *   node --import tsx tests/support/embedded-owner.ts <dir>
 */
import { openEmbeddedDatabase } from "@/tools/embedded-database";

const database = await openEmbeddedDatabase(process.argv[2] ?? ".data");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void database.stop().then(() => process.exit(0)));
}
console.log(`ready ${database.owned ? "started" : "reused"}`);
setInterval(() => {}, 60_000);
