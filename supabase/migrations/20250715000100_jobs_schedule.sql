-- Wakes the job worker every minute: pg_cron runs `public.llm_jobs_wake_worker()`, which POSTs to
-- the worker function with pg_net when a step or a webhook is due (an idle queue costs no
-- invocation). The worker's URL and bearer token come from Supabase Vault secrets named
-- `job_worker_url` and `job_worker_token` (docs/jobs.md shows how to set them); without them the
-- function reports `unconfigured` and does nothing.
--
-- pg_cron and pg_net exist on Supabase, not on PGlite (`npm start`, tests): the schedule is only
-- created where both extensions are available, so this migration applies everywhere.

create or replace function public.llm_jobs_wake_worker(now_at timestamptz default now())
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  worker_url text;
  worker_token text;
begin
  if not exists (
    select 1 from public.llm_job_steps
    where (status = 'queued' and next_attempt_at <= now_at)
       or (status = 'running' and lease_expires_at <= now_at)
  ) and not exists (
    select 1 from public.llm_jobs
    where webhook_status = 'pending'
      and webhook_next_attempt_at <= now_at
      and (webhook_lease_expires_at is null or webhook_lease_expires_at <= now_at)
  ) then
    return 'idle';
  end if;
  -- Dynamic SQL: neither schema exists where the extensions are missing, and a static reference
  -- would fail when the function runs there.
  if to_regclass('vault.decrypted_secrets') is null or to_regnamespace('net') is null then
    return 'unconfigured';
  end if;
  execute 'select decrypted_secret from vault.decrypted_secrets where name = $1'
    into worker_url using 'job_worker_url';
  execute 'select decrypted_secret from vault.decrypted_secrets where name = $1'
    into worker_token using 'job_worker_token';
  if worker_url is null or worker_token is null then
    return 'unconfigured';
  end if;
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 5000)'
    using worker_url,
      '{}'::jsonb,
      jsonb_build_object(
        'Content-Type', 'application/json',
        'Authorization', 'Bearer ' || worker_token
      );
  return 'woken';
end
$$;

comment on function public.llm_jobs_wake_worker(timestamptz) is
  'Called every minute by pg_cron: POSTs to the job worker (Vault: job_worker_url, job_worker_token) when work is due.';

revoke all on function public.llm_jobs_wake_worker(timestamptz) from public;
do $$
declare
  client_role text;
begin
  foreach client_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = client_role) then
      execute format(
        'revoke all on function public.llm_jobs_wake_worker(timestamptz) from %I',
        client_role
      );
    end if;
  end loop;
end
$$;

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron')
    and exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
    create extension if not exists pg_cron;
    -- cron.schedule replaces a job of the same name, so running this again changes nothing.
    perform cron.schedule('llm-job-worker', '* * * * *', 'select public.llm_jobs_wake_worker()');
  end if;
end
$$;
