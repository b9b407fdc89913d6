-- Cost ledger of the LLM gateway: one row per answered request, whichever layer answered it, and
-- the seeds' cache-effectiveness query as a view. No prompt text, caller id or other personal data:
-- only what the cost and cache figures need.

create table if not exists public.llm_request_ledger (
  id bigint generated always as identity primary key,
  requested_at timestamptz not null default now(),
  -- The stack that served it, e.g. `staging`.
  environment text not null,
  -- `chat`, `embeddings` or `responses`.
  endpoint text not null,
  -- The tier the request was routed through, when any, e.g. `default`.
  tier text,
  -- The provider and model that answered (for a cache hit: those of the cached answer).
  provider text,
  model text,
  input_tokens integer not null default 0 check (input_tokens >= 0),
  output_tokens integer not null default 0 check (output_tokens >= 0),
  -- What this request cost, in USD (0 for a cache hit).
  cost_usd numeric(20, 10) not null default 0 check (cost_usd >= 0),
  -- Which layer answered: `none` (a provider), `exact` or `semantic`.
  cache_layer text not null default 'none' check (cache_layer in ('none', 'exact', 'semantic')),
  -- What a provider call would have cost, for a cache hit (0 otherwise), in USD.
  cost_avoided_usd numeric(20, 10) not null default 0 check (cost_avoided_usd >= 0),
  -- HTTP status of the answer and its latency.
  status integer,
  latency_ms integer check (latency_ms >= 0)
);

comment on table public.llm_request_ledger is
  'LLM gateway cost ledger: one row per request, no personal data (docs/database.md).';

create index if not exists llm_request_ledger_requested_at_idx
  on public.llm_request_ledger (requested_at);

-- Hit rate and savings per UTC day and stack, the seeds' cache-effectiveness query over the
-- ledger. `cost_without_cache_usd` is what the same requests would have cost with no cache.
-- security_invoker: the view reads with the caller's rights, so the table's protection holds.
create or replace view public.llm_cache_effectiveness with (security_invoker = true) as
select
  (requested_at at time zone 'utc')::date as day,
  environment,
  count(*) as total_requests,
  count(*) filter (where cache_layer <> 'none') as cached_requests,
  count(*) filter (where cache_layer = 'exact') as exact_hits,
  count(*) filter (where cache_layer = 'semantic') as semantic_hits,
  round(100.0 * count(*) filter (where cache_layer <> 'none') / count(*), 2) as cache_hit_rate_percent,
  sum(cost_usd) as actual_cost_usd,
  sum(cost_avoided_usd) as cost_avoided_usd,
  sum(cost_usd + cost_avoided_usd) as cost_without_cache_usd,
  case
    when sum(cost_usd + cost_avoided_usd) > 0
      then round(100 * sum(cost_avoided_usd) / sum(cost_usd + cost_avoided_usd), 2)
  end as cost_savings_percent
from public.llm_request_ledger
group by 1, 2;

comment on view public.llm_cache_effectiveness is
  'Per UTC day and stack: requests, cache hits by layer, hit rate %, cost, cost avoided and savings % (seeds: hit rate > 30 %, cost reduction > 25 %).';

alter table public.llm_request_ledger enable row level security;
do $$
declare
  client_role text;
begin
  foreach client_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = client_role) then
      execute format(
        'revoke all on table public.llm_request_ledger, public.llm_cache_effectiveness from %I',
        client_role
      );
    end if;
  end loop;
end
$$;
