/**
 * booking-event-contracts/testing: what a service's own tests use. A registry in memory that
 * answers as the HTTP one does (ids, versions, compatibility levels and verdicts), so a serde or a
 * codec round trip needs no server.
 */
export { createInMemoryRegistry, type InMemoryRegistryOptions, type InMemorySchemaRegistry } from './registry/memory';
