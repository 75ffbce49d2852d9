/**
 * The worker's check, before it polls, that its namespace has every search attribute the workflows
 * publish: a workflow task that upserts an unregistered one fails and is retried for ever, so a
 * namespace missing one would stop every ticket's clock at its next step. Not in
 * search-attributes.ts: that module is the workflows' (sandbox-safe, no client).
 */
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ConfigError } from './config';
import { SEARCH_ATTRIBUTES } from './search-attributes';

/** The engine's search attribute types as the operator service names them (also the cluster's and the tests'). */
export const INDEXED_VALUE_TYPE: Record<
  (typeof SEARCH_ATTRIBUTES)[number]['type'],
  temporal.api.enums.v1.IndexedValueType
> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/** gRPC statuses of a server that will not say (Temporal Cloud without the permission, a proxy). */
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

/**
 * Refuses (ConfigError naming each one and the command that adds it) when the namespace lacks one
 * of the engine's search attributes, or has it with another type. A server that does not let the worker list them gets the
 * benefit of the doubt: `warn` says so, and the worker starts.
 */
export async function requireSearchAttributes(
  client: Client,
  namespace: string,
  warn: (message: string) => void,
): Promise<void> {
  let registered: Record<string, temporal.api.enums.v1.IndexedValueType>;
  try {
    const listed = await client.connection.operatorService.listSearchAttributes({ namespace });
    registered = { ...listed.customAttributes };
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code !== PERMISSION_DENIED && code !== UNIMPLEMENTED) throw err;
    warn(`search attributes of namespace ${namespace} not checked: ${(err as Error).message}`);
    return;
  }
  const typeName = (t: temporal.api.enums.v1.IndexedValueType) =>
    (temporal.api.enums.v1.IndexedValueType[t] ?? String(t)).replace('INDEXED_VALUE_TYPE_', '');
  // Another type is as bad as none: every upsert of the attribute fails.
  const wrong = SEARCH_ATTRIBUTES.filter(
    (a) => a.name in registered && registered[a.name] !== INDEXED_VALUE_TYPE[a.type],
  );
  if (wrong.length)
    throw new ConfigError(
      `namespace ${namespace} has the search attribute(s) ${wrong.map((a) => `${a.name} as ${typeName(registered[a.name]!)}`).join(', ')}, ` +
        `which the workflows publish as ${wrong.map((a) => `${a.name} ${TypedSearchAttributes.toMetadataType(a.type)}`).join(', ')}; ` +
        'an attribute keeps its type: use another namespace, or remove it where no workflow uses it (docs/operations.md)',
    );
  const missing = SEARCH_ATTRIBUTES.filter((a) => !(a.name in registered));
  if (!missing.length) return;
  const typed = missing.map((a) => ({ name: a.name, type: TypedSearchAttributes.toMetadataType(a.type) }));
  throw new ConfigError(
    `namespace ${namespace} lacks the search attribute(s) ${typed.map((a) => `${a.name} (${a.type})`).join(', ')} ` +
      `that the workflows publish; add each once, e.g. ` +
      typed
        .map(
          (a) =>
            `temporal operator search-attribute create --namespace ${namespace} --name ${a.name} --type ${a.type}`,
        )
        .join('; ') +
      ' (docs/operations.md)',
  );
}
