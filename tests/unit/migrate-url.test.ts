/**
 * DATABASE_MIGRATE_URL: the direct route to the app's database, for migrations,
 * where DATABASE_URL goes through a transaction pooler.
 */
import { describe, expect, it } from "vitest";
import { databaseConfig, maintenanceConfig, parseConfig } from "@/lib/config";
import { migrationTarget, type ResolvedDatabase } from "@/tools/database-url";

const pooled = "postgres://app:pooled-secret@db-pooler.example.com:5432/tessera";
const direct = "postgres://app:direct-secret@db.example.com:5432/tessera";

function resolved(url: string): ResolvedDatabase {
  return { url, description: "the app's database", stop: async () => {} };
}

describe("DATABASE_MIGRATE_URL", () => {
  it("is where migrations go when set, and the app's database otherwise", () => {
    const both = databaseConfig({ DATABASE_URL: pooled, DATABASE_MIGRATE_URL: direct });
    expect(both.database.url).toBe(pooled);
    expect(migrationTarget(both, resolved(pooled)).url).toBe(direct);

    const appOnly = databaseConfig({ DATABASE_URL: pooled, DATABASE_MIGRATE_URL: "" });
    expect(migrationTarget(appOnly, resolved(pooled)).url).toBe(pooled);
  });

  it("is described without its password", () => {
    const settings = databaseConfig({ DATABASE_URL: pooled, DATABASE_MIGRATE_URL: direct });
    const { description } = migrationTarget(settings, resolved(pooled));
    expect(description).toContain("db.example.com");
    expect(description).toContain("DATABASE_MIGRATE_URL");
    expect(description).not.toContain("direct-secret");
  });

  it("must be a PostgreSQL URL", () => {
    expect(() => databaseConfig({ DATABASE_URL: pooled, DATABASE_MIGRATE_URL: "mysql://db.example.com/tessera" })).toThrow(
      "DATABASE_MIGRATE_URL must be a postgres:// or postgresql:// URL",
    );
  });

  it("is refused without DATABASE_URL, by every command that reads the database settings", () => {
    const env = { DATABASE_MIGRATE_URL: direct, JWT_SECRET: "s".repeat(40) };
    const message = "DATABASE_MIGRATE_URL is set but DATABASE_URL is not";
    expect(() => databaseConfig(env)).toThrow(message);
    expect(() => maintenanceConfig(env)).toThrow(message);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
