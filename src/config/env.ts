/**
 * `${ENV_VAR}` substitution in parsed config values, so that secrets stay out of config files. Substitution runs on
 * the parsed document (never on the raw text), so a value can never change the document's structure.
 */

/** A problem found while substituting, with the config path of the value that referenced it. */
export interface EnvIssue {
  path: string;
  message: string;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

/**
 * Replaces `${NAME}` with the variable's value and `${NAME:-fallback}` with the value or, when unset or empty, the
 * fallback; `$$` is a literal `$`. Unset variables without a fallback and malformed references are reported as
 * issues (never with the value of any variable). Returns the substituted text, or undefined when it had issues.
 */
export function substituteString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  issues: EnvIssue[],
): string | undefined {
  let failed = false;
  const out = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    if (name === undefined) {
      failed = true;
      issues.push({ path, message: `malformed reference ${JSON.stringify(match)}; write \${NAME} or \${NAME:-default}` });
      return match;
    }
    const value = env[name];
    if (value !== undefined && (value !== '' || fallback === undefined)) return value;
    if (fallback !== undefined) return fallback;
    failed = true;
    issues.push({ path, message: `environment variable ${name} is not set` });
    return match;
  });
  return failed ? undefined : out;
}

/**
 * Walks a parsed config document and substitutes every string (object keys are left alone). Returns a new value;
 * `issues` collects every unset variable with its path (`connection.clientSecret`, `surveys[2].filterId`).
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  issues: EnvIssue[],
  path = '',
): unknown {
  if (typeof value === 'string') return substituteString(value, env, path || '(root)', issues) ?? value;
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, issues, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = substituteEnv(item, env, issues, path ? `${path}.${key}` : key);
    }
    return out;
  }
  return value;
}
