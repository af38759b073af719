// Partition specs and sort orders as the spec writes them in JSON.

/** identity, year, month, day, hour, void, bucket[N], truncate[W]. */
export type Transform = string;

export interface PartitionField {
  'source-id': number;
  'field-id': number; // partition field ids start at 1000
  name: string;
  transform: Transform;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

export interface SortField {
  transform: Transform;
  'source-id': number;
  direction: 'asc' | 'desc';
  'null-order': 'nulls-first' | 'nulls-last';
}

export interface SortOrder {
  'order-id': number;
  fields: SortField[];
}
