/**
 * Rules that span sections of the stack config, so no one section's schema can check them.
 * They run once the schema has accepted every section, and report zod issues so the messages
 * read like the schema's: `Pulumi.production.yaml: platform:github.productionReviewers ...`.
 */
import type { z } from "zod";
import type { PlatformConfig } from "./config-schema";

/** A problem found across sections, in the shape of a zod issue. */
export type StackRuleIssue = z.core.$ZodIssueCustom;

/**
 * Production deploys wait in the GitHub environment for one of its reviewers to approve, so a
 * production stack without reviewers would deploy with nobody able to approve it.
 */
export function productionReviewerIssues(platform: PlatformConfig): StackRuleIssue[] {
  const { users, teams } = platform.github.productionReviewers;
  if (platform.environment !== "production" || users.length + teams.length > 0) {
    return [];
  }
  return [
    {
      code: "custom",
      path: ["github", "productionReviewers"],
      message:
        "must list at least one GitHub user or team id in production: production deploys wait for one of them to approve",
      input: platform.github.productionReviewers,
    },
  ];
}

/** Every cross-section issue of a stack config the schema accepted. */
export function stackRuleIssues(platform: PlatformConfig): StackRuleIssue[] {
  return [...productionReviewerIssues(platform)];
}
