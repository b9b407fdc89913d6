/** Scopes of the `GITHUB_TOKEN` the workflows use. */
export type PermissionScope =
  "actions" | "contents" | "deployments" | "id-token" | "issues" | "pull-requests" | "statuses";

/** A `permissions:` block; scopes left out get no access. */
export type Permissions = Partial<Record<PermissionScope, "read" | "write" | "none">>;

/** Top-level default of every workflow: read the repository, nothing else. */
export const readContents: Permissions = { contents: "read" };
