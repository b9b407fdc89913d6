// Stand-ins for the two Supabase extensions the schedule migration reaches and PGlite lacks, shared
// by the schedule migration's tests and the loopback Management API's database. They keep the
// interfaces the migration and infra/supabase/vault-sql.ts use, not the extensions' internals:
// - Vault: table `vault.secrets`, view `vault.decrypted_secrets` (`decrypted_secret`), and
//   `vault.create_secret(new_secret, new_name, new_description, new_key_id)` returning the id and
//   `vault.update_secret(secret_id, new_secret, new_name, new_description, new_key_id)` with
//   Supabase's signatures (https://supabase.com/docs/guides/database/vault). Nothing is encrypted.
// - pg_net: `net.http_post(url, body, headers, timeout_milliseconds)` records each call in
//   `net.requests` instead of sending it.

/** Creates the stand-in `vault` schema; running it again changes nothing. */
export const vaultStandInSql = `
create schema if not exists vault;
create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create or replace view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, created_at, updated_at
  from vault.secrets;
create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '',
  new_key_id uuid default null
) returns uuid language sql as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, coalesce(new_description, ''), new_key_id)
  returning id
$$;
create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null
) returns void language sql as $$
  update vault.secrets set
    secret = coalesce(new_secret, secret),
    name = coalesce(new_name, name),
    description = coalesce(new_description, description),
    key_id = coalesce(new_key_id, key_id),
    updated_at = now()
  where id = secret_id
$$;
`;

/** Creates the stand-in `net` schema; running it again changes nothing. */
export const pgNetStandInSql = `
create schema if not exists net;
create table if not exists net.requests (
  url text, body jsonb, headers jsonb, timeout_milliseconds integer
);
create or replace function net.http_post(
  url text, body jsonb, headers jsonb, timeout_milliseconds integer
) returns bigint language sql as $$
  insert into net.requests values (url, body, headers, timeout_milliseconds) returning 1::bigint
$$;
`;
