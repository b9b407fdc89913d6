// Rules for Edge Function secret names, checked before anything is sent to Supabase.

/** Prefix Supabase keeps for the variables it injects (`SUPABASE_URL`, `SUPABASE_ANON_KEY`, ...). */
export const reservedSecretPrefix = "SUPABASE_";

/** One rejected secret name. */
export interface SecretNameProblem {
  /** The property path of the offending entry, e.g. `values.SUPABASE_URL`. */
  property: string;
  /** Why it was rejected, quoting the name. */
  reason: string;
}

/** Returns one problem per invalid name; an empty list means every name can be set. */
export function checkSecretNames(names: readonly string[]): SecretNameProblem[] {
  const problems: SecretNameProblem[] = [];
  for (const name of names) {
    const property = `values.${name}`;
    if (name.toUpperCase().startsWith(reservedSecretPrefix)) {
      problems.push({
        property,
        reason: `secret "${name}" uses the reserved prefix "${reservedSecretPrefix}": Supabase sets those variables itself; rename it`,
      });
    } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push({
        property,
        reason: `secret "${name}" is not a valid environment variable name (letters, digits and "_", not starting with a digit)`,
      });
    }
  }
  return problems;
}
