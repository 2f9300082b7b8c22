-- The session check now reads the user's email address and whether it is
-- confirmed (the dashboard and /api/auth/me show both): a change to either
-- is announced like a change of name, so no instance answers with the old one.
DROP TRIGGER "User_changed_notice" ON "User";

CREATE TRIGGER "User_changed_notice"
AFTER UPDATE ON "User"
FOR EACH ROW
WHEN (
  NEW."role" IS DISTINCT FROM OLD."role"
  OR NEW."username" IS DISTINCT FROM OLD."username"
  OR NEW."name" IS DISTINCT FROM OLD."name"
  OR NEW."dob" IS DISTINCT FROM OLD."dob"
  OR NEW."email" IS DISTINCT FROM OLD."email"
  OR NEW."emailVerifiedAt" IS DISTINCT FROM OLD."emailVerifiedAt"
)
EXECUTE FUNCTION "tessera_notify_session_change"();
