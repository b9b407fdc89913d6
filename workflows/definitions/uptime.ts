import { githubApiFunction } from "../github-api";
import { deploymentTasks, githubTokenEnvironment } from "../gateway-artifact-steps";
import {
  monitoringSecretNames,
  repositoryVariableNames,
  secretExpression,
  variableExpression,
} from "../github-names";
import type { Job } from "../job";
import {
  environments,
  monitoringEnvironment,
  type EnvironmentName,
  type WorkflowSettings,
} from "../settings";
import { runStep } from "../step";
import type { Workflow } from "../workflow";

/** Job timeout of a check; the probes' retries and timeouts are capped to fit inside it. */
const checkTimeoutMinutes = 10;
/** Seconds the probes may use in all, leaving the rest of the job for set-up and the report. */
const probeBudgetSeconds = 420;

/**
 * The cron expression running a check every `minutes` (`platform:uptime.intervalMinutes`).
 * @example cronForInterval(5) === "*\/5 * * * *"
 */
export function cronForInterval(minutes: number): string {
  if (Number.isInteger(minutes) && minutes >= 5 && minutes < 60) return `*/${minutes} * * * *`;
  if (Number.isInteger(minutes) && minutes % 60 === 0 && minutes / 60 <= 24) {
    return minutes === 1440 ? "0 0 * * *" : `0 */${minutes / 60} * * *`;
  }
  throw new Error(
    `platform:uptime.intervalMinutes must be 5 to 59, or whole hours up to 1440 (a cron schedule), got ${minutes}`,
  );
}

/**
 * Finds the web URL to check: `WEB_URL` when the stack set one (production's stable domain),
 * otherwise the URL of the newest successful web deployment recorded for the environment
 * (staging deploys get a new URL each time). Output `url`, empty when there is none.
 */
const webUrlScript = [
  githubApiFunction,
  'url="${WEB_URL:-}"',
  'if [ -z "$url" ]; then',
  '  deployment_id="$(github_api GET "/repos/${GITHUB_REPOSITORY}/deployments?environment=${ENVIRONMENT_NAME}&task=${TASK}&per_page=1" | jq -r \'.[0].id // empty\')"',
  '  if [ -n "$deployment_id" ]; then',
  '    url="$(github_api GET "/repos/${GITHUB_REPOSITORY}/deployments/${deployment_id}/statuses?per_page=100" \\',
  '      | jq -r \'[.[] | select(.state == "success")][0].environment_url // empty\')"',
  "  fi",
  "fi",
  'echo "url=${url}" >> "$GITHUB_OUTPUT"',
].join("\n");

/**
 * Probes the web app and the gateway's `/health`. A component is `up` (2xx), `degraded` (the
 * gateway answers with JSON `"status": "degraded"`, as 200 or 503: breaker open, store down), or
 * `down` after every attempt failed; an unset URL is `skipped`. Attempts are capped so all probes
 * fit in the job's budget. Writes `web` and `gateway` outputs; never fails itself.
 */
const checkScript = [
  'body="$(mktemp)"',
  "per_attempt=$((TIMEOUT_SECONDS + RETRY_DELAY_SECONDS))",
  "attempts=$((RETRIES + 1))",
  "max_attempts=$((BUDGET_SECONDS / (2 * per_attempt)))",
  'if [ "$max_attempts" -lt 1 ]; then max_attempts=1; fi',
  'if [ "$attempts" -gt "$max_attempts" ]; then',
  '  echo "::notice::${attempts} attempts of ${per_attempt} s would outlast the job; probing ${max_attempts} times"',
  '  attempts="$max_attempts"',
  "fi",
  "probe() {",
  '  local label="$1" url="$2" attempt status',
  '  if [ -z "$url" ]; then',
  '    echo "::notice::${label}: no URL configured, skipped" >&2',
  '    echo "skipped"',
  "    return",
  "  fi",
  '  for attempt in $(seq 1 "$attempts"); do',
  '    status="$(curl --silent --location --max-time "$TIMEOUT_SECONDS" --output "$body" --write-out \'%{http_code}\' "$url")" || status="000"',
  '    if jq -e \'.status == "degraded"\' "$body" >/dev/null 2>&1 && { [ "$status" = "200" ] || [ "$status" = "503" ]; }; then',
  '      echo "::warning::${label} is degraded: ${url} answered ${status} $(jq -c . "$body")" >&2',
  '      echo "degraded"',
  "      return",
  "    fi",
  '    if [[ "$status" == 2* ]]; then',
  '      echo "${label} is up: ${url}" >&2',
  '      echo "up"',
  "      return",
  "    fi",
  '    echo "::warning::${label}: attempt ${attempt} of ${attempts} answered ${status}" >&2',
  '    if [ "$attempt" -lt "$attempts" ]; then sleep "$RETRY_DELAY_SECONDS"; fi',
  "  done",
  '  echo "::error::${label} is down: ${url}" >&2',
  '  echo "down"',
  "}",
  'echo "web=$(probe "web app" "$WEB_URL")" >> "$GITHUB_OUTPUT"',
  'echo "gateway=$(probe "gateway" "${GATEWAY_URL:+${GATEWAY_URL%/}/health}")" >> "$GITHUB_OUTPUT"',
].join("\n");

/**
 * Keeps one GitHub issue per open incident (`Uptime: <environment> <component> is <state>`), so
 * Slack hears about an incident once, again only when its state changes, and a recovery message
 * closes it. Fails the job while a component is down; a degraded one is a warning.
 */
const reportScript = [
  githubApiFunction,
  "slack() {",
  '  if [ -z "${SLACK_WEBHOOK_URL:-}" ]; then',
  '    echo "::warning::${SLACK_SECRET_NAME} is not set in ${MONITORING_ENVIRONMENT}; no Slack message sent: $1"',
  "    return 0",
  "  fi",
  "  curl --fail --silent --show-error --request POST --header 'Content-Type: application/json' \\",
  '    --data "$(jq -cn --arg text "$1" \'{text: $text}\')" "$SLACK_WEBHOOK_URL" >/dev/null',
  "}",
  "report() {",
  '  local component="$1" state="$2" url="$3" prefix open number title',
  '  prefix="Uptime: ${ENVIRONMENT_NAME} ${component}"',
  '  open="$(github_api GET "/repos/${GITHUB_REPOSITORY}/issues?state=open&per_page=100" \\',
  '    | jq -r --arg prefix "$prefix " \'[.[] | select(.pull_request == null and .user.login == "github-actions[bot]"',
  "      and (.title | startswith($prefix)))][0] | select(. != null) | [(.number | tostring), .title] | @tsv')\"",
  "  IFS=$'\\t' read -r number title <<<\"$open\" || true",
  '  case "$state" in',
  "    up | skipped)",
  '      if [ -n "${number:-}" ]; then',
  '        github_api POST "/repos/${GITHUB_REPOSITORY}/issues/${number}/comments" --data "$(jq -cn --arg run "$RUN_URL" \'{body: ("Recovered. " + $run)}\')" >/dev/null',
  '        github_api PATCH "/repos/${GITHUB_REPOSITORY}/issues/${number}" --data \'{"state":"closed"}\' >/dev/null',
  '        slack ":white_check_mark: ${ENVIRONMENT_NAME} ${component} recovered: ${url} (incident #${number}, ${RUN_URL})"',
  '        echo "${component}: incident #${number} closed"',
  "      fi",
  "      ;;",
  "    *)",
  '      local wanted="${prefix} is ${state}" icon=":rotating_light:"',
  '      if [ "$state" = "degraded" ]; then icon=":warning:"; fi',
  '      if [ "${title:-}" = "$wanted" ]; then',
  '        echo "${component}: still ${state} (incident #${number}), already alerted"',
  '      elif [ -n "${number:-}" ]; then',
  '        github_api PATCH "/repos/${GITHUB_REPOSITORY}/issues/${number}" --data "$(jq -cn --arg title "$wanted" \'{title: $title}\')" >/dev/null',
  '        slack "${icon} ${ENVIRONMENT_NAME} ${component} is now ${state}: ${url} (incident #${number}, ${RUN_URL})"',
  "      else",
  '        number="$(github_api POST "/repos/${GITHUB_REPOSITORY}/issues" --data "$(jq -cn --arg title "$wanted" --arg url "$url" --arg run "$RUN_URL" \\',
  '          \'{title: $title, body: ("Checked " + $url + ". " + $run), labels: ["uptime"]}\')" | jq -r .number)"',
  '        slack "${icon} ${ENVIRONMENT_NAME} ${component} is ${state}: ${url} (incident #${number}, ${RUN_URL})"',
  "      fi",
  "      ;;",
  "  esac",
  "}",
  'report "web app" "$WEB_STATE" "$WEB_URL"',
  'report "gateway" "$GATEWAY_STATE" "${GATEWAY_URL:+${GATEWAY_URL%/}/health}"',
  'if [ "$WEB_STATE" = "down" ] || [ "$GATEWAY_STATE" = "down" ]; then',
  "  exit 1",
  "fi",
].join("\n");

function checkJob(environment: EnvironmentName): Job {
  const variables = repositoryVariableNames(environment);
  const monitoring = monitoringEnvironment(environment);
  const webUrl = "${{ steps.web.outputs.url }}";
  const gatewayUrl = variableExpression(variables.gatewayUrl);
  return {
    name: `Check ${environment}`,
    // The monitoring environment holds the Slack webhook behind the deploy-branch policy, without
    // reviewers: a check never waits for an approval.
    environment: { name: monitoring },
    permissions: { issues: "write", deployments: "read" },
    timeoutMinutes: checkTimeoutMinutes,
    concurrency: { group: `uptime-${environment}`, cancelInProgress: false },
    steps: [
      runStep("Find the web URL", webUrlScript, {
        id: "web",
        env: {
          ...githubTokenEnvironment,
          WEB_URL: variableExpression(variables.webUrl),
          ENVIRONMENT_NAME: environment,
          TASK: deploymentTasks.web,
        },
      }),
      runStep("Check the web app and the gateway", checkScript, {
        id: "check",
        env: {
          WEB_URL: webUrl,
          GATEWAY_URL: gatewayUrl,
          RETRIES: `\${{ vars.${variables.uptimeRetries} || '2' }}`,
          TIMEOUT_SECONDS: `\${{ vars.${variables.uptimeTimeoutSeconds} || '10' }}`,
          RETRY_DELAY_SECONDS: "10",
          BUDGET_SECONDS: String(probeBudgetSeconds),
        },
      }),
      runStep("Report incidents", reportScript, {
        env: {
          ...githubTokenEnvironment,
          SLACK_WEBHOOK_URL: secretExpression(monitoringSecretNames.slackWebhookUrl),
          SLACK_SECRET_NAME: monitoringSecretNames.slackWebhookUrl,
          MONITORING_ENVIRONMENT: monitoring,
          ENVIRONMENT_NAME: environment,
          WEB_STATE: "${{ steps.check.outputs.web }}",
          GATEWAY_STATE: "${{ steps.check.outputs.gateway }}",
          WEB_URL: webUrl,
          GATEWAY_URL: gatewayUrl,
          RUN_URL:
            "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
        },
      }),
    ],
  };
}

/**
 * Uptime: on the `platform:uptime.intervalMinutes` schedule (and on demand), checks each
 * environment's web app and the gateway's `/health`, retrying within the job's time, and keeps
 * Slack informed once per incident (opened, changed, recovered).
 */
export function uptimeWorkflow(settings: WorkflowSettings): Workflow {
  return {
    fileName: "uptime.yml",
    sourceFile: "workflows/definitions/uptime.ts",
    name: "Uptime",
    on: {
      schedule: [{ cron: cronForInterval(settings.uptimeIntervalMinutes ?? 5) }],
      workflow_dispatch: {},
    },
    permissions: {},
    jobs: Object.fromEntries(
      environments.map((environment) => [`check-${environment}`, checkJob(environment)]),
    ),
  };
}
