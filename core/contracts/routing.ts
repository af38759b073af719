// Topic-to-table routing: which event types arrive on a topic, which bronze table keeps the topic's raw records,
// and which silver (and child) tables an event type lands in.
import type { ContractSet } from './load.js';

export interface TopicRoute {
  topic: string;
  domain: string;
  key: string;
  doc: string;
  bronze_table: string;
  event_types: string[];
}

export interface EventRoute {
  event_type: string;
  schema_version: number;
  topic: string;
  silver_table: string;
  child_tables: string[];
}

export interface Routing {
  topics: TopicRoute[];
  event_types: EventRoute[];
  quarantine_table: string;
}

export function routing(set: ContractSet): Routing {
  return {
    topics: set.topics.map((t) => ({
      topic: t.topic,
      domain: t.domain,
      key: t.key,
      doc: t.doc,
      bronze_table: t.bronzeTable.qualifiedName,
      event_types: t.eventTypes,
    })),
    event_types: [...set.events.values()].map((e) => ({
      event_type: e.eventType,
      schema_version: e.schemaVersion,
      topic: e.topic,
      silver_table: e.table.qualifiedName,
      child_tables: e.children.map((c) => c.table.qualifiedName),
    })),
    quarantine_table: set.tables.find((t) => t.kind === 'ops' && t.name === 'quarantine')?.qualifiedName ?? '',
  };
}

/** The route of an event type, or undefined for an unknown type. */
export function routeEvent(set: ContractSet, eventType: string): EventRoute | undefined {
  const e = set.events.get(eventType);
  return (
    e && {
      event_type: e.eventType,
      schema_version: e.schemaVersion,
      topic: e.topic,
      silver_table: e.table.qualifiedName,
      child_tables: e.children.map((c) => c.table.qualifiedName),
    }
  );
}

/** The route of a topic, or undefined for a topic no contract declares. */
export function routeTopic(set: ContractSet, topic: string): TopicRoute | undefined {
  const t = set.topics.find((x) => x.topic === topic);
  return (
    t && {
      topic: t.topic,
      domain: t.domain,
      key: t.key,
      doc: t.doc,
      bronze_table: t.bronzeTable.qualifiedName,
      event_types: t.eventTypes,
    }
  );
}
