-- Session notices: every change that can end a session, or change what the
-- data-access layer reads about its user, is announced on one channel, inside
-- the transaction that makes it. PostgreSQL delivers a notice only when that
-- transaction commits, to every listening connection, in commit order; each
-- app instance drops what it had remembered of that session or user
-- (lib/db/session-notices.ts). The payload is "session:<id>" or "user:<id>".

CREATE FUNCTION "tessera_notify_session_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'Session' THEN
    PERFORM pg_notify('tessera_session_changes', 'session:' || OLD."id");
  ELSE
    PERFORM pg_notify('tessera_session_changes', 'user:' || OLD."id");
  END IF;
  RETURN NULL;
END;
$$;

-- A session revoked, or its end moved earlier (its absolute end, or its last
-- use, which decides when it ends idle). A refresh moves `lastUsedAt` later:
-- that ends nothing and says nothing.
CREATE TRIGGER "Session_ended_notice"
AFTER UPDATE ON "Session"
FOR EACH ROW
WHEN (
  (OLD."revokedAt" IS NULL AND NEW."revokedAt" IS NOT NULL)
  OR NEW."expiresAt" < OLD."expiresAt"
  OR NEW."lastUsedAt" < OLD."lastUsedAt"
  OR NEW."userId" IS DISTINCT FROM OLD."userId"
)
EXECUTE FUNCTION "tessera_notify_session_change"();

-- A session deleted (its user deleted, or a prune of sessions that had ended).
CREATE TRIGGER "Session_deleted_notice"
AFTER DELETE ON "Session"
FOR EACH ROW
EXECUTE FUNCTION "tessera_notify_session_change"();

-- What the session check reads about the user changed: role, name, username, date of birth.
CREATE TRIGGER "User_changed_notice"
AFTER UPDATE ON "User"
FOR EACH ROW
WHEN (
  NEW."role" IS DISTINCT FROM OLD."role"
  OR NEW."username" IS DISTINCT FROM OLD."username"
  OR NEW."name" IS DISTINCT FROM OLD."name"
  OR NEW."dob" IS DISTINCT FROM OLD."dob"
)
EXECUTE FUNCTION "tessera_notify_session_change"();

CREATE TRIGGER "User_deleted_notice"
AFTER DELETE ON "User"
FOR EACH ROW
EXECUTE FUNCTION "tessera_notify_session_change"();
