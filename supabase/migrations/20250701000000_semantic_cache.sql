-- Semantic cache of the LLM gateway (the seeds' `entry_semantic_cache`): a prior answer is reused
-- when a new request's embedding lies within a cosine distance of 0.12 (configurable) of a stored
-- one, in the same scope, for the same requested model or tier and embedding model.
--
-- Every migration in this folder can run again on a database that already has its objects
-- (`if not exists`, `create or replace`): `pulumi destroy` only forgets which migrations were
-- applied (docs/database.md), so a later `pulumi up` re-runs them.

-- Supabase keeps extensions in the `extensions` schema; PGlite has no such schema until it is made.
create schema if not exists extensions;
create extension if not exists vector with schema extensions;

create table if not exists public.entry_semantic_cache (
  id bigint generated always as identity primary key,
  -- Whose answers these are: a hashed caller id, or a shared scope the request opted into.
  scope text not null,
  -- Cache namespace: the deployed artifact or an explicit cacheVersion, so a deploy starts cold.
  namespace text not null default '',
  -- The model or tier the request asked for, e.g. `tier:default` or `gpt-4o-mini`.
  model text not null,
  -- The tier that answered, when the request was routed through one, e.g. `default`.
  tier text,
  -- The model that produced `embedding`; vectors of different models are never compared.
  embedding_model text not null,
  -- The application's id of what the answer was derived from (e.g. a journal entry), so editing
  -- that entry can delete every answer built on it.
  source_key text,
  -- 1536 dimensions: OpenAI text-embedding-3-small, the gateway's `embedding` tier. Another
  -- embedding model with another size needs a migration that changes this column.
  embedding extensions.vector(1536) not null,
  -- The answer as the gateway serves it (an OpenAI chat completion body).
  response jsonb not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  constraint entry_semantic_cache_expiry check (expires_at > created_at)
);

comment on table public.entry_semantic_cache is
  'LLM gateway semantic cache: answers reused within a cosine distance of a stored request embedding (docs/database.md).';

-- Approximate nearest neighbours by cosine distance (the `<=>` operator).
create index if not exists entry_semantic_cache_embedding_idx
  on public.entry_semantic_cache using hnsw (embedding extensions.vector_cosine_ops);
-- Exact lookups within one scope, invalidation by source key, and purging expired rows.
create index if not exists entry_semantic_cache_scope_idx
  on public.entry_semantic_cache (scope, namespace, model, embedding_model);
create index if not exists entry_semantic_cache_source_idx
  on public.entry_semantic_cache (scope, source_key)
  where source_key is not null;
create index if not exists entry_semantic_cache_expires_idx
  on public.entry_semantic_cache (expires_at);

-- Only the gateway (service role or the database owner) reads and writes: row-level security on
-- with no policy denies every other role, and the grants Supabase gives new tables in `public` to
-- `anon` and `authenticated` are taken back. The roles exist on Supabase, not on PGlite.
alter table public.entry_semantic_cache enable row level security;
do $$
declare
  client_role text;
begin
  foreach client_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = client_role) then
      execute format('revoke all on table public.entry_semantic_cache from %I', client_role);
    end if;
  end loop;
end
$$;
