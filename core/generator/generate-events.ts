// generateEvents: the generator's entry point and this folder's template file. Options in (validated, defaults
// named in options.ts), a synchronous iterator of Kafka records out, with live stats. Each record is one of:
// the next simulated event (good), a resend of a recent record (duplicate), an event from the past delivered now
// (late), or a corrupted event (one of BAD_KINDS); the shares come from the options, the draws from --seed.
import { Random, cumulative } from './random.js';
import { resolveOptions } from './options.js';
import { Simulation } from './simulation.js';
import { KafkaPartitioner } from './partition.js';
import { standaloneEvent, LATE_TYPE_WEIGHTS } from './standalone.js';
import { corrupt, LINE_ITEM_TYPES } from './bad-events.js';
import { repositoryContracts } from './contract-view.js';
import { BAD_KINDS, GOOD_KINDS, TEST_KIND_HEADER } from './record.js';
import type { GenerateOptions, GenerateOptionsInput } from './options.js';
import type { BadKind, GeneratedRecord, TestKind, WireEvent } from './record.js';
import type { Built } from './events/context.js';
import type { GeneratorContracts, EventShape } from './contract-view.js';
import type { FunnelCounts } from './task.js';

export interface GenerationStats {
  /** Records emitted so far, and the bytes of their values. */
  records: number;
  bytes: number;
  byKind: Record<TestKind, number>;
  byTopic: Record<string, number>;
  /** Records per event_type they carry (bad records that claim one included; raw bytes under "(none)"). */
  byEventType: Record<string, number>;
  /** Visits started and how far their plans go (a visit counts once it starts, even if the run stops first). */
  funnel: FunnelCounts;
  shops: number;
  /** Kafka timestamps (epoch ms) of the first and last record. */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
}

export interface ShopInfo {
  id: string;
  weight: number;
  utcOffsetMinutes: number;
  currency: string;
  products: number;
}

const RECENT = 256;
const LATENCY_CAP_MS = 30_000;
const MINUTE_US = 60_000_000;

/** Every kind, good ones first; the hot path refers to a kind by its index here. */
const KINDS: readonly TestKind[] = [...GOOD_KINDS, ...BAD_KINDS];
const GOOD = KINDS.indexOf('good');
const LATE = KINDS.indexOf('late');
const DUPLICATE = KINDS.indexOf('duplicate');
const HEADERS: ReadonlyArray<Readonly<Record<string, string>>> = KINDS.map((k) =>
  Object.freeze({ 'content-type': 'application/json', [TEST_KIND_HEADER]: k }),
);

/**
 * Records counted per (topic, event type) since the stats were last read: the hot path bumps a number on an object
 * it already holds instead of updating stats.byTopic and stats.byEventType by key for every record.
 */
interface CountSlot {
  topic: string;
  /** The records' event type; the key it is counted under in stats.byEventType ("(none)" for raw bytes). */
  eventType: string | undefined;
  eventTypeKey: string;
  /** The topic's next offset per partition (one array per topic, shared by its slots). */
  offsets: number[];
  pending: number;
}

export class EventStream implements IterableIterator<GeneratedRecord> {
  readonly options: GenerateOptions;
  readonly #stats: GenerationStats;
  readonly #sim: Simulation;
  readonly #mix: Random;
  readonly #contracts: GeneratorContracts;
  readonly #partitioner: KafkaPartitioner;
  readonly #offsets = new Map<string, number[]>();
  /** Count slots by event type (good and late records) and by topic + event type (any record), first-seen order. */
  readonly #typeSlots = new Map<string, CountSlot>();
  readonly #slots = new Map<string, CountSlot>();
  readonly #slotList: CountSlot[] = [];
  readonly #kindCounts = new Float64Array(KINDS.length);
  readonly #recent: GeneratedRecord[] = [];
  readonly #lateTypes: string[];
  readonly #lateCumulative: Float64Array;
  readonly #badCumulative: Float64Array;

  constructor(input: GenerateOptionsInput = {}, contracts: GeneratorContracts = repositoryContracts()) {
    this.options = resolveOptions(input);
    this.#contracts = contracts;
    const root = new Random(this.options.seed);
    this.#mix = root.fork();
    const versions = Object.fromEntries([...contracts.events.values()].map((e) => [e.eventType, e.schemaVersion]));
    this.#sim = new Simulation(this.options, versions, root);
    this.#partitioner = new KafkaPartitioner(this.options.partitions);
    this.#lateTypes = Object.keys(LATE_TYPE_WEIGHTS).filter((t) => contracts.events.has(t));
    this.#lateCumulative = cumulative(this.#lateTypes.map((t) => LATE_TYPE_WEIGHTS[t]!));
    this.#badCumulative = cumulative(BAD_KINDS.map((k) => this.options.badKinds[k]));
    this.#stats = {
      records: 0,
      bytes: 0,
      byKind: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<TestKind, number>,
      byTopic: {},
      byEventType: {},
      funnel: this.#sim.funnel,
      shops: this.#sim.shops.length,
      firstTimestamp: null,
      lastTimestamp: null,
    };
  }

  /**
   * Counts of everything emitted so far. Always the same object: records, bytes, timestamps and the funnel move
   * with every record; byKind, byTopic and byEventType are brought up to date each time `stats` is read (the hot
   * path counts in slots of its own), so read `stream.stats` again rather than keeping the object from an earlier read.
   */
  get stats(): GenerationStats {
    const s = this.#stats;
    for (let k = 0; k < KINDS.length; k++) {
      s.byKind[KINDS[k]!] += this.#kindCounts[k]!;
      this.#kindCounts[k] = 0;
    }
    // In first-seen order, so that keys are added to byTopic and byEventType in the order records first had them.
    for (const slot of this.#slotList) {
      if (slot.pending === 0) continue;
      s.byTopic[slot.topic] = (s.byTopic[slot.topic] ?? 0) + slot.pending;
      s.byEventType[slot.eventTypeKey] = (s.byEventType[slot.eventTypeKey] ?? 0) + slot.pending;
      slot.pending = 0;
    }
    return s;
  }

  /** The simulated shops, largest first. */
  get shops(): ShopInfo[] {
    return this.#sim.shops
      .map((s) => ({
        id: s.id,
        weight: s.weight,
        utcOffsetMinutes: s.region.utcOffsetMinutes,
        currency: s.region.currency,
        products: s.products.length,
      }))
      .sort((a, b) => b.weight - a.weight);
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<GeneratedRecord, undefined> {
    const r = this.nextRecord();
    return r === undefined ? { done: true, value: undefined } : { done: false, value: r };
  }

  /** The next record, or undefined once `events` records were emitted. The fast path for hot loops. */
  nextRecord(): GeneratedRecord | undefined {
    const o = this.options;
    if (this.#stats.records >= o.events) return undefined;
    const u = this.#mix.float();
    if (u < o.badShare) return this.#bad();
    if (u < o.badShare + o.duplicateShare && this.#recent.length > 0) return this.#duplicate();
    if (u < o.badShare + o.duplicateShare + o.lateShare) return this.#late();
    const event = this.#sim.nextEvent();
    const latency = event.source === 'storefront' ? this.#mix.exp(250) : this.#mix.exp(2_000);
    return this.#good(event, GOOD, Math.floor(this.#sim.now / 1000 + Math.min(latency, LATENCY_CAP_MS)));
  }

  #good(event: Built, kind: number, timestamp: number): GeneratedRecord {
    let slot = this.#typeSlots.get(event.type);
    if (slot === undefined)
      this.#typeSlots.set(event.type, (slot = this.#slot(this.#shape(event.type).topic, event.type)));
    const record = this.#emit(slot, event.shop.id, event.json, event.ascii, undefined, kind, timestamp);
    if (this.#recent.length < RECENT) this.#recent.push(record);
    else this.#recent[Math.floor(this.#mix.float() * RECENT)] = record;
    return record;
  }

  /** An event that happened lateMin..lateMax minutes ago (log-uniform), delivered now. */
  #late(): GeneratedRecord {
    const o = this.options;
    const delay = Math.round(this.#mix.logUniform(o.lateMinMinutes, o.lateMaxMinutes) * MINUTE_US);
    const type = this.#lateTypes[this.#mix.weightedIndex(this.#lateCumulative)]!;
    const event = standaloneEvent(this.#sim, type, this.#sim.pickShop(), this.#sim.now - delay);
    return this.#good(event, LATE, Math.floor(this.#sim.now / 1000));
  }

  /** A recent record sent again: same topic, key, value bytes and event_id; a new offset and timestamp. */
  #duplicate(): GeneratedRecord {
    const orig = this.#recent[Math.floor(this.#mix.float() * this.#recent.length)]!;
    const timestamp = Math.max(orig.timestamp, Math.floor(this.#sim.now / 1000)) + Math.floor(this.#mix.exp(1_000));
    return this.#emit(
      this.#slot(orig.topic, orig.eventType),
      orig.key,
      orig.text,
      orig.asciiText,
      orig.text === undefined ? orig.value : undefined,
      DUPLICATE,
      timestamp,
    );
  }

  #bad(): GeneratedRecord {
    const kind: BadKind = BAD_KINDS[this.#mix.weightedIndex(this.#badCumulative)]!;
    const type =
      kind === 'negative_quantity'
        ? this.#mix.pick(LINE_ITEM_TYPES)
        : kind === 'oversized'
          ? this.#mix.pick(['order_created', 'page_viewed'])
          : this.#lateTypes[this.#mix.weightedIndex(this.#lateCumulative)]!;
    const now = this.#sim.now;
    const built = standaloneEvent(this.#sim, type, this.#sim.pickShop(), now);
    const shape = this.#shape(built.type);
    const base = JSON.parse(built.json) as WireEvent;
    const bad = corrupt(kind, base, shape.fields, this.#mix, now, this.options.oversizedBytes);
    return this.#emit(
      this.#slot(shape.topic, bad.eventType),
      built.shop.id,
      undefined,
      false,
      bad.value,
      KINDS.indexOf(kind),
      Math.floor(now / 1000),
    );
  }

  #shape(eventType: string): EventShape {
    const shape = this.#contracts.events.get(eventType);
    if (!shape) throw new Error(`generator: no contract for event type "${eventType}" in glue-schemas/events/`);
    return shape;
  }

  /** The count slot of a topic and event type (undefined: raw bytes, counted under "(none)"). */
  #slot(topic: string, eventType: string | undefined): CountSlot {
    const key = eventType === undefined ? `${topic}\u0000` : `${topic}\u0000=${eventType}`;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      let offsets = this.#offsets.get(topic);
      if (!offsets) this.#offsets.set(topic, (offsets = new Array<number>(this.options.partitions).fill(0)));
      slot = { topic, eventType, eventTypeKey: eventType ?? '(none)', offsets, pending: 0 };
      this.#slots.set(key, slot);
      this.#slotList.push(slot);
    }
    return slot;
  }

  #emit(
    slot: CountSlot,
    key: string,
    text: string | undefined,
    ascii: boolean,
    value: Buffer | undefined,
    kind: number,
    timestamp: number,
  ): GeneratedRecord {
    const partition = this.#partitioner.partitionOf(key);
    const offset = slot.offsets[partition]!;
    slot.offsets[partition] = offset + 1;
    slot.pending++;
    this.#kindCounts[kind] = this.#kindCounts[kind]! + 1;
    const s = this.#stats;
    s.records++;
    s.bytes += text === undefined ? value!.length : ascii ? text.length : Buffer.byteLength(text, 'utf8');
    s.firstTimestamp ??= timestamp;
    s.lastTimestamp = timestamp;
    const headers = HEADERS[kind]!;
    return new Record_(
      slot.topic,
      partition,
      offset,
      key,
      text,
      ascii,
      value,
      headers,
      timestamp,
      KINDS[kind]!,
      slot.eventType,
    );
  }
}

/** GeneratedRecord whose bytes (from `text`) and JSON view (good kinds only) are made on first use. */
class Record_ implements GeneratedRecord {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly key: string,
    readonly text: string | undefined,
    readonly asciiText: boolean,
    private bytes: Buffer | undefined,
    readonly headers: Readonly<Record<string, string>>,
    readonly timestamp: number,
    readonly kind: TestKind,
    readonly eventType: string | undefined,
  ) {}

  private parsed: WireEvent | undefined;

  get value(): Buffer {
    return (this.bytes ??= Buffer.from(this.text!, this.asciiText ? 'latin1' : 'utf8'));
  }

  get event(): WireEvent | undefined {
    if (this.parsed === undefined && this.text !== undefined) this.parsed = JSON.parse(this.text) as WireEvent;
    return this.parsed;
  }
}

/** Records for the options (see options.ts for every knob and its default), as a synchronous iterator. */
export function generateEvents(options: GenerateOptionsInput = {}, contracts?: GeneratorContracts): EventStream {
  return new EventStream(options, contracts);
}
