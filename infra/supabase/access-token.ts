// Where the dynamic providers get the Management API token. `read` and `delete` (refresh, destroy)
// receive only the stored outputs, so a token kept there would outlive its rotation. Instead the
// engine hands every dynamic provider the whole stack config through `Configure`
// (pkg/resource/deploy/target.go `GetPackageConfig`), and `cmd/dynamic-provider` passes it to
// `configure`: the token read there is the one of the current `pulumi` run. These functions are
// serialized with the providers, so they use nothing but their arguments.

/** The stack config key holding the Supabase personal access token. */
export const accessTokenConfigKey = "platform:supabaseAccessToken";

/** Pulumi's placeholder for a value not known until apply (a preview of a new dependency). */
export const unknownInputValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The stack config as `configure` receives it (`config.get` of a namespaced key). */
export interface ProviderConfig {
  /**
   * The value of a config key, secrets already decrypted; `undefined` when the key is not set.
   * @param key - a namespaced key, e.g. `platform:supabaseAccessToken`.
   */
  get(key: string): string | undefined;
}

/** State one deserialized provider keeps between `configure` and its operations. */
export interface ProviderSession {
  /** The token from {@link accessTokenConfigKey}, once `configure` has run and found it. */
  configuredToken: string | undefined;
}

/** A session with nothing configured yet (a provider constructed in the program, or a test). */
export function newProviderSession(): ProviderSession {
  return { configuredToken: undefined };
}

/**
 * Reads the token from the stack config into the session.
 * @param session - the provider's session.
 * @param config - the config `configure` received.
 */
export function configureSession(session: ProviderSession, config: ProviderConfig): void {
  const value = config.get(accessTokenConfigKey);
  session.configuredToken = usableToken(value);
}

/**
 * The token an operation uses: the `accessToken` input when the operation has inputs (check, diff,
 * create, update; they come from the current program run), otherwise the one from the stack config
 * (read, delete). Throws, naming the config key, when there is neither.
 * @param session - the provider's session.
 * @param operation - what is being done, for the error, e.g. `delete`.
 * @param inputToken - the `accessToken` input, when the operation has inputs.
 */
export function resolveAccessToken(
  session: ProviderSession,
  operation: string,
  inputToken?: unknown,
): string {
  const token = usableToken(inputToken) ?? session.configuredToken;
  if (token === undefined) {
    throw new Error(
      `Supabase ${operation} needs a Management API token: set it with ` +
        `\`pulumi config set --secret ${accessTokenConfigKey} <token>\``,
    );
  }
  return token;
}

/** Where one Management API operation goes, and with which token. */
export interface ManagementTarget {
  /** The Management API's base URL. */
  apiUrl: string;
  /** The token the operation sends. */
  accessToken: string;
  /** The project the operation acts on. */
  projectRef: string;
}

/**
 * Where an operation sends its requests. Only operations given inputs pass `inputToken`: `read` and
 * `delete` get stored outputs, where state from an earlier version may still hold a revoked token.
 * @param session - the provider's session.
 * @param operation - what is being done, for the error, e.g. `delete`.
 * @param state - the resource's API URL and project.
 * @param inputToken - the `accessToken` input, when the operation has inputs.
 */
export function managementTarget(
  session: ProviderSession,
  operation: string,
  state: { apiUrl: string; projectRef: string },
  inputToken?: unknown,
): ManagementTarget {
  return {
    apiUrl: state.apiUrl,
    projectRef: state.projectRef,
    accessToken: resolveAccessToken(session, operation, inputToken),
  };
}

/**
 * A token that can be sent: a non-empty string that is not Pulumi's unknown placeholder.
 * @param value - a candidate from inputs or config.
 */
export function usableToken(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value === unknownInputValue) {
    return undefined;
  }
  return value;
}
