/**
 * The message catalogue shared with the CLI: schemas/messages/messages.json, bundled at
 * build time (nothing is fetched). Codes are the stable codes of the core's errors.
 */
import catalogue from '../../schemas/messages/messages.json';

/** zh, en by code. */
export const codes: Record<string, [string, string]> = Object.fromEntries(
  Object.entries(catalogue.messages as Record<string, { zh: string; en: string }>).map(([k, v]) => [k, [v.zh, v.en]]),
);
