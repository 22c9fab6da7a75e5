-- Agents' sessions end on sign-out, a password change or when an admin disables the account: a
-- session whose sign-in is not after sessions_valid_after is refused, on every instance (they read
-- this column, cached for a couple of seconds). A disabled account cannot sign in.
alter table agent
    add column sessions_valid_after timestamptz,
    add column disabled_at          timestamptz;
