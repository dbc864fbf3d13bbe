/**
 * OAuth scopes the simulator knows (FACTS.md §1.2) and how one granted scope covers a required one:
 * `manage:all` covers everything, `manage:<thing>` covers `read:<thing>` and `write:<thing>`.
 */

const families = [
  'survey_responses',
  'surveys',
  'subscriptions',
  'directory_contacts',
  'mailing_lists',
  'mailing_list_contacts',
  'distributions',
  'contact_transactions',
  'contact_frequency_rules',
  'samples',
  'libraries',
  'groups',
  'divisions',
  'participants',
  'survey_sessions',
] as const;

/** Every scope a client may request. */
export const knownScopes: ReadonlySet<string> = new Set([
  'manage:all',
  ...families.flatMap((f) => [`read:${f}`, `write:${f}`, `manage:${f}`]),
  'read:directories',
  'manage:directories',
  'read:organizations',
  'manage:organizations',
  'read:users',
  'write:users',
  'manage:users',
  'read:activity_logs',
  'manage:activity_logs',
  'read:imported_data_projects',
  'write:imported_data_projects',
  'write:automations',
  'write:embedded_dashboards',
  'write:embedded_xid_profile_cards',
  'manage:erasure_requests',
  'manage:customer_data_requests',
]);

/** True when the granted scopes allow an operation that needs `required`. */
export function scopeCovers(granted: Iterable<string>, required: string): boolean {
  const [, thing] = required.split(':');
  for (const scope of granted) {
    if (scope === 'manage:all' || scope === required) return true;
    if (thing !== undefined && scope === `manage:${thing}`) return true;
  }
  return false;
}
