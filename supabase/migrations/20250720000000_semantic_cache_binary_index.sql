-- A second HNSW index on the semantic cache, over the binary quantization of each embedding (one
-- bit per dimension: 192 bytes instead of 6 KB), for the gateway's lookup: the nearest candidates
-- by Hamming distance come from this small index and are re-ranked by their exact cosine distance
-- (functions/_shared/database/semantic-cache-store.ts). Walking the full-precision index costs a
-- 1536-dimension distance per visited node; on PGlite with 10,000 entries in one scope that alone
-- took about 4.5 ms of the 5 ms the lookup may add to a miss.
--
-- The lookup also sets `hnsw.iterative_scan` and `hnsw.ef_search` for its own transaction, so an
-- HNSW scan keeps going until it has found candidates in the caller's scope. Both need pgvector
-- 0.8 (binary_quantize 0.7): older versions are refused here, with the statement that upgrades.

do $$
declare
  installed text;
begin
  select extversion into installed from pg_extension where extname = 'vector';
  if installed is null then
    raise exception 'the vector extension is not installed; 20250701000000_semantic_cache.sql creates it';
  end if;
  if string_to_array(split_part(installed, '-', 1), '.')::int[] < array[0, 8] then
    raise exception 'pgvector % is installed; the semantic cache lookup needs 0.8.0 or later: run "alter extension vector update;" (Supabase: Database > Extensions) and apply this migration again', installed;
  end if;
end
$$;

-- `bit(1536)`: the dimensions of `embedding` (20250701000000_semantic_cache.sql); a migration that
-- changes that column must change this index with it.
create index if not exists entry_semantic_cache_embedding_binary_idx
  on public.entry_semantic_cache
  using hnsw ((extensions.binary_quantize(embedding)::bit(1536)) extensions.bit_hamming_ops);
