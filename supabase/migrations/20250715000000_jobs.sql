-- Asynchronous jobs of the LLM gateway (docs/jobs.md): a job is an ordered list of chat steps,
-- later steps may quote earlier steps' outputs (`{{steps.0.output}}`). The worker function claims
-- one runnable step at a time with a lease (`for update skip locked`), runs it through the
-- gateway, records the output and queues the next step; a failed step is retried with
-- exponential back-off until the job's attempts are spent. The completion webhook is an outbox on
-- the job row, delivered (signed, retried) by the same worker.
--
-- Re-runnable like every migration here (`if not exists`, `create or replace`).

create table if not exists public.llm_jobs (
  id uuid primary key default gen_random_uuid(),
  -- Whose job: a hashed caller id (never a raw key). Another scope cannot read it.
  caller_scope text not null,
  -- The caller's idempotency key: a repeated submission of the same scope and key gets this job.
  idempotency_key text,
  -- SHA-256 of the submitted job, so a reused key with another job is told apart.
  request_sha256 text not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  step_count integer not null check (step_count between 1 and 100),
  -- The step running or next to run (step_count once every step succeeded).
  current_step integer not null default 0 check (current_step >= 0),
  -- Attempts each step gets (a worker that dies mid-step spends one) before the job fails.
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  -- The last step's output (a chat completion) once succeeded.
  result jsonb,
  -- The last step error, redacted (no keys, no prompt text).
  last_error text,
  -- Completion webhook: where to POST, and the name of the signing secret the worker holds
  -- (JOB_WEBHOOK_SECRETS); the secret itself is never stored here.
  webhook_url text,
  webhook_secret_name text,
  webhook_status text not null default 'none'
    check (webhook_status in ('none', 'pending', 'delivered', 'failed')),
  webhook_attempts integer not null default 0,
  webhook_next_attempt_at timestamptz,
  webhook_lease_token uuid,
  webhook_lease_expires_at timestamptz,
  webhook_last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  constraint llm_jobs_idempotency unique (caller_scope, idempotency_key),
  constraint llm_jobs_webhook check ((webhook_url is null) = (webhook_secret_name is null))
);

comment on table public.llm_jobs is
  'LLM gateway asynchronous jobs: one row per job, scoped to a hashed caller (docs/jobs.md).';

create table if not exists public.llm_job_steps (
  job_id uuid not null references public.llm_jobs (id) on delete cascade,
  step_index integer not null check (step_index >= 0),
  -- pending: waits for the previous step; queued: runnable from next_attempt_at; running: leased;
  -- succeeded/failed: final; cancelled: the job was cancelled before it ran.
  status text not null default 'pending'
    check (status in ('pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
  -- The chat request as submitted (templates unrendered).
  request jsonb not null,
  -- The gateway's answer (an OpenAI chat completion).
  output jsonb,
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz,
  -- The current claim: a random token (a stale holder's completion carries an old one and is
  -- ignored), who holds it, and until when; an expired lease makes the step claimable again.
  lease_token uuid,
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (job_id, step_index)
);

comment on table public.llm_job_steps is
  'Steps of LLM gateway jobs: status, attempts, lease and output per step (docs/jobs.md).';

-- The worker's two questions: what is queued and due, and whose lease has expired.
create index if not exists llm_job_steps_queued_idx
  on public.llm_job_steps (next_attempt_at) where status = 'queued';
create index if not exists llm_job_steps_leased_idx
  on public.llm_job_steps (lease_expires_at) where status = 'running';
create index if not exists llm_jobs_webhook_idx
  on public.llm_jobs (webhook_next_attempt_at) where webhook_status = 'pending';
create index if not exists llm_jobs_created_idx on public.llm_jobs (created_at);

alter table public.llm_jobs enable row level security;
alter table public.llm_job_steps enable row level security;
do $$
declare
  client_role text;
begin
  foreach client_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = client_role) then
      execute format('revoke all on table public.llm_jobs, public.llm_job_steps from %I', client_role);
    end if;
  end loop;
end
$$;
