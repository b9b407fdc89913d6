-- The gateway's own embedding of a request (the semantic cache's lookup key, made by the
-- `embedding` tier) costs money too: the ledger records it per request, and the
-- cache-effectiveness view counts it in what the day cost, so the savings are net of it.
-- Re-runnable like every migration here.

alter table public.llm_request_ledger
  add column if not exists embedding_cost_usd numeric(20, 10) not null default 0
    check (embedding_cost_usd >= 0);

comment on column public.llm_request_ledger.embedding_cost_usd is
  'USD of the gateway''s own embedding of the request for the semantic cache (0 when it came from the embedding cache or none was made).';

-- The columns of 20250701000100_request_ledger.sql keep their names, types and order (a view can
-- only be replaced that way); `embedding_cost_usd` is new, at the end. `actual_cost_usd` now
-- includes the embeddings, so `cost_savings_percent` is what the caches saved net of them;
-- `cost_without_cache_usd` is unchanged (with no cache, no request would be embedded).
create or replace view public.llm_cache_effectiveness with (security_invoker = true) as
select
  (requested_at at time zone 'utc')::date as day,
  environment,
  count(*) as total_requests,
  count(*) filter (where cache_layer <> 'none') as cached_requests,
  count(*) filter (where cache_layer = 'exact') as exact_hits,
  count(*) filter (where cache_layer = 'semantic') as semantic_hits,
  round(100.0 * count(*) filter (where cache_layer <> 'none') / count(*), 2) as cache_hit_rate_percent,
  sum(cost_usd + embedding_cost_usd) as actual_cost_usd,
  sum(cost_avoided_usd) as cost_avoided_usd,
  sum(cost_usd + cost_avoided_usd) as cost_without_cache_usd,
  case
    when sum(cost_usd + cost_avoided_usd) > 0
      then round(
        100 * (sum(cost_avoided_usd) - sum(embedding_cost_usd)) / sum(cost_usd + cost_avoided_usd),
        2
      )
  end as cost_savings_percent,
  sum(embedding_cost_usd) as embedding_cost_usd
from public.llm_request_ledger
group by 1, 2;

comment on view public.llm_cache_effectiveness is
  'Per UTC day and stack: requests, cache hits by layer, hit rate %, cost (embeddings for the semantic cache included), cost avoided and savings % net of those embeddings (seeds: hit rate > 30 %, cost reduction > 25 %).';
