import {
  repositorySecretNames,
  repositoryVariableNames,
  secretExpression,
  variableExpression,
} from "../github-names";
import type { Job } from "../job";
import { environments, type EnvironmentName, type WorkflowSettings } from "../settings";
import { runStep } from "../step";
import type { Workflow } from "../workflow";

/**
 * Checks one URL with retries before it declares an outage: a single dropped request must not
 * page anyone. An unset URL is skipped with a notice.
 */
const checkScript = [
  "check() {",
  '  local label="$1" url="$2" attempt',
  '  if [ -z "$url" ]; then',
  '    echo "::notice::${label}: no URL configured, skipped"',
  "    return 0",
  "  fi",
  '  for attempt in $(seq 1 "$((RETRIES + 1))"); do',
  '    if curl --fail --silent --show-error --location --max-time "$TIMEOUT_SECONDS" --output /dev/null "$url"; then',
  '      echo "${label} is up: ${url}"',
  "      return 0",
  "    fi",
  '    echo "::warning::${label}: attempt ${attempt} failed"',
  '    sleep "$RETRY_DELAY_SECONDS"',
  "  done",
  '  echo "::error::${label} is down: ${url}"',
  "  return 1",
  "}",
  "status=0",
  'check "web app" "$WEB_URL" || status=1',
  'check "gateway" "${GATEWAY_URL:+${GATEWAY_URL%/}/health}" || status=1',
  'exit "$status"',
].join("\n");

/** Posts the outage to Slack; the webhook URL is a secret and reaches curl only through env. */
const notifyScript = [
  'if [ -z "${SLACK_WEBHOOK_URL:-}" ]; then',
  '  echo "::warning::${SLACK_SECRET_NAME} is not set; no Slack alert sent"',
  "  exit 0",
  "fi",
  'payload="$(jq -cn --arg environment "$ENVIRONMENT_NAME" --arg run "$RUN_URL" \\',
  '  \'{text: (":rotating_light: " + $environment + " is down. Details: " + $run)}\')"',
  "curl --fail --silent --show-error --request POST --header 'Content-Type: application/json' \\",
  '  --data "$payload" "$SLACK_WEBHOOK_URL"',
].join("\n");

function checkJob(environment: EnvironmentName): Job {
  const variables = repositoryVariableNames(environment);
  const slackSecret = repositorySecretNames(environment).slackWebhookUrl;
  return {
    name: `Check ${environment}`,
    // Runs only once the stack of this environment has written its URLs. No `environment:` on
    // purpose: a protected environment would hold every check until someone approves it.
    if: `vars.${variables.webUrl} != '' || vars.${variables.gatewayUrl} != ''`,
    permissions: {},
    timeoutMinutes: 10,
    steps: [
      runStep("Check the web app and the gateway", checkScript, {
        env: {
          WEB_URL: variableExpression(variables.webUrl),
          GATEWAY_URL: variableExpression(variables.gatewayUrl),
          RETRIES: `\${{ vars.${variables.uptimeRetries} || '3' }}`,
          TIMEOUT_SECONDS: `\${{ vars.${variables.uptimeTimeoutSeconds} || '10' }}`,
          RETRY_DELAY_SECONDS: "10",
        },
      }),
      runStep("Alert Slack", notifyScript, {
        if: "failure()",
        env: {
          SLACK_WEBHOOK_URL: secretExpression(slackSecret),
          SLACK_SECRET_NAME: slackSecret,
          ENVIRONMENT_NAME: environment,
          RUN_URL:
            "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
        },
      }),
    ],
  };
}

/**
 * Uptime: every five minutes (and on demand) checks the web URL and the gateway's `/health` of
 * both environments, retrying before it declares an outage, and alerts Slack on failure.
 */
export function uptimeWorkflow(_settings: WorkflowSettings): Workflow {
  return {
    fileName: "uptime.yml",
    sourceFile: "workflows/definitions/uptime.ts",
    name: "Uptime",
    on: { schedule: [{ cron: "*/5 * * * *" }], workflow_dispatch: {} },
    permissions: {},
    // One check at a time; a newer one waits (never cancelling an alert in flight) and replaces
    // any older one still waiting, so checks never pile up.
    concurrency: { group: "uptime", cancelInProgress: false },
    jobs: Object.fromEntries(
      environments.map((environment) => [`check-${environment}`, checkJob(environment)]),
    ),
  };
}
