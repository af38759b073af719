// IngestConsumer: the ECS stream consumer. One kafkajs consumer group (through core/kafka) feeds core/pipeline
// micro-batches; one Iceberg commit (bronze last) covers every partition this task owns. docs/stream-consumer.md
// has the protocol and its guarantees; in short:
// - flush when the batch's record bytes reach the target, or when its first record is commitIntervalMs old;
// - Kafka offsets (autoCommit off) are committed after the Iceberg commit, for lag metrics and autoscaling only:
//   on every assignment each partition is sought to its bronze checkpoint + 1 (the source of truth);
// - every add and most flushes run inside kafkajs' eachBatch handler, and kafkajs never rejoins a group while a
//   handler runs, so a rebalance noticed there (our heartbeat at the end of every handler, or during a flush)
//   commits the in-flight batch before the partitions are released;
// - SIGTERM: pause fetching, commit the in-flight batch, commit Kafka offsets, leave the group (stopTimeoutMs);
// - fetching pauses while the uncommitted bytes reach maxBufferedBytes, and resumes after the flush;
// - any error but OffsetConflictError (another writer landed the same partition: rewind to the checkpoint) is
//   fatal: the process exits 1 and ECS restarts the task; nothing unacknowledged is lost (the replay skips what
//   landed).
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { classifyKafkaError, connectWithRetry, createKafka, kafkaSettings, rootMessage } from '../kafka/index.js';
import type { Consumer, EachBatchPayload, Kafka, KafkaLogEntry, KafkaMessage } from '../kafka/index.js';
import { createPipeline, loadPiiSalt, openCatalog, OffsetConflictError } from '../pipeline/index.js';
import type { Batch, BatchResult, CatalogClients, Pipeline } from '../pipeline/index.js';
import { startHealthServer } from './health-server.js';
import type { HealthReport, HealthServer } from './health-server.js';
import { createMetrics, publishBatchMetrics, publishLag, publishOffsetsSkipped } from './metrics.js';
import { Positions } from './positions.js';
import type { StreamSettings } from './settings.js';
import { toPipelineRecord, valueBytes } from './to-pipeline-record.js';

export type ConsumerState = 'starting' | 'joining' | 'running' | 'rebalancing' | 'stopping' | 'stopped' | 'failed';

export type FlushReason = 'size' | 'interval' | 'max-buffered' | 'rebalance' | 'shutdown';

export interface IngestConsumerDeps {
  /** POWERTOOLS_* names for the logger and metrics; default process.env. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  metrics?: Metrics;
  /** Glue and S3 clients (tests point them at loopback servers). */
  clients?: CatalogClients;
  secrets?: SecretsManagerClient;
  /** An already resolved PII salt (the CLI's local development salt); default: loadPiiSalt(settings). */
  piiSalt?: string;
  /** Called once per committed batch (benchmarks, tests in process). */
  onCommit?: (result: BatchResult, reason: FlushReason) => void;
}

/** The errors after which kafkajs rejoins the group (its isRebalancing, plus a member the coordinator forgot). */
const REJOIN_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);
const isRejoinError = (e: unknown): boolean => REJOIN_ERRORS.has(String((e as { type?: unknown } | null)?.type));

/** How long a stop waits for the last Kafka offset commit. */
const KAFKA_COMMIT_WAIT_MS = 5000;

/** kafkajs lines that repeat with every backpressure pause: kept out of info logs. */
const CHATTY = /^(Pausing|Resuming) fetching from/;

export class IngestConsumer {
  state: ConsumerState = 'starting';
  /** Resolves with the process exit code once the consumer has stopped (0) or failed (1). */
  readonly done: Promise<number>;
  /** The health endpoint's URL once it listens. */
  healthUrl: string | undefined;

  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly positions = new Positions();
  private pipeline: Pipeline | undefined;
  private kafka: Kafka | undefined;
  private consumer: Consumer | undefined;
  private admin: ReturnType<Kafka['admin']> | undefined;
  private health: HealthServer | undefined;
  private running = false;

  private batch: Batch | undefined;
  private batchDeadline = 0;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private flushingBytes = 0;
  private waitingBytes = 0;
  private paused = false;
  /** Group joins whose seeks are not done yet: fetching stays paused meanwhile (resume() waits). */
  private assigning = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> = Promise.resolve();
  private generation = 0;
  private memberId: string | undefined;
  private heartbeat: (() => Promise<void>) | undefined;
  private pendingRejoin: unknown;

  private lastAliveAt = Date.now();
  private lastCommitAt: number | undefined;
  private committedBatches = 0;
  private stopRequested = false;
  private readonly abort = new AbortController();
  private resolveDone!: (code: number) => void;
  private finished = false;
  private kafkaCommits = new Map<string, { topic: string; partition: number; offset: string }>();
  private kafkaCommitting: Promise<void> | undefined;

  constructor(
    readonly settings: StreamSettings,
    private readonly deps: IngestConsumerDeps = {},
  ) {
    const env = deps.env ?? process.env;
    this.logger = deps.logger ?? new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'shoplake-ingest' });
    this.metrics = deps.metrics ?? createMetrics(env);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Starts the consumer in the background; `done` settles when it stops. */
  static start(settings: StreamSettings, deps: IngestConsumerDeps = {}): IngestConsumer {
    const c = new IngestConsumer(settings, deps);
    c.run().catch((e: unknown) => c.fail(e, 'start-up'));
    return c;
  }

  /** SIGTERM: commit what is in flight, commit Kafka offsets, leave the group; resolves with the exit code. */
  stop(reason: string): Promise<number> {
    if (!this.stopRequested && !this.finished) {
      this.stopRequested = true;
      this.abort.abort();
      void this.shutdown(reason);
    }
    return this.done;
  }

  // ---------------------------------------------------------------------------------------------- start-up

  private async run(): Promise<void> {
    const s = this.settings;
    const k = s.kafka;
    this.logger.info('stream consumer starting', {
      groupId: k.groupId,
      topics: k.topics,
      brokers: k.brokers.join(','),
      auth: k.auth,
      warehouse: s.pipeline.warehouse,
      catalog: s.pipeline.catalog,
      unknownFields: s.pipeline.unknownFields,
      dedupMaxIds: s.dedupMaxIds,
      targetBatchBytes: s.targetBatchBytes,
      commitIntervalMs: s.commitIntervalMs,
      maxBufferedBytes: s.maxBufferedBytes,
      stopTimeoutMs: s.stopTimeoutMs,
    });
    if (s.health) {
      this.health = await startHealthServer(s.health, () => this.healthReport());
      this.healthUrl = this.health.url;
      this.logger.info('health endpoint listening', { url: this.health.url });
    }
    const [catalog, piiSalt] = await Promise.all([
      openCatalog(s.pipeline, this.deps.clients),
      this.deps.piiSalt ?? loadPiiSalt(s.pipeline.salt, this.deps.secrets),
    ]);
    this.pipeline = createPipeline({
      catalog,
      piiSalt,
      namespaces: s.pipeline.namespaces,
      allowedLatenessSeconds: s.pipeline.allowedLatenessSeconds,
      dedupWindowDays: s.pipeline.dedupWindowDays,
      dedupMaxIds: s.dedupMaxIds,
      unknownFields: s.pipeline.unknownFields,
    });
    if (this.stopRequested) return;

    const kafka = createKafka({
      brokers: k.brokers,
      clientId: k.clientId,
      auth: k.auth,
      ...(k.region ? { region: k.region } : {}),
      retry: k.retry,
      logLevel: k.logLevel,
      logSink: (e) => this.kafkaLog(e),
    });
    this.kafka = kafka;
    const consumer = kafka.consumer({
      groupId: k.groupId,
      sessionTimeout: k.sessionTimeoutMs,
      heartbeatInterval: k.heartbeatIntervalMs,
      rebalanceTimeout: k.rebalanceTimeoutMs,
      maxWaitTimeInMs: k.maxWaitTimeMs,
      maxBytesPerPartition: k.fetchPartitionBytes,
      maxBytes: k.fetchMaxBytes,
      // The topics exist (the CDK app creates them); a typo must fail, not create a topic (nor need CreateTopic).
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.listen(consumer);
    await connectWithRetry(consumer, {
      what: `consumer (group ${k.groupId})`,
      ...kafkaSettings(kafka),
      log: kafka.logger().namespace('shoplake'),
      signal: this.abort.signal,
    });
    if (this.stopRequested) return;
    await consumer.subscribe({ topics: k.topics, fromBeginning: true });
    this.state = 'joining';
    this.running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.lagTimer = setInterval(() => {
      if (this.state === 'running') publishLag(this.metrics, this.positions.lag());
    }, s.commitIntervalMs);
  }

  private listen(consumer: Consumer): void {
    const alive = (): void => {
      this.lastAliveAt = Date.now();
    };
    consumer.on(consumer.events.HEARTBEAT, alive);
    consumer.on(consumer.events.FETCH_START, alive);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      alive();
      this.onGroupJoin(e.payload.memberId, e.payload.memberAssignment);
    });
    consumer.on(consumer.events.REBALANCING, () => this.onRebalancing());
    consumer.on(consumer.events.CRASH, (e) => {
      // A crash after a deliberate disconnect is kafkajs' runner starting late (core/kafka/README.md): ignore it.
      if (this.stopRequested || this.finished) return;
      this.fail(e.payload.error, this.crashCause(e.payload.error));
    });
  }

  /** What a kafkajs crash means, for the one ERROR line before the exit. */
  private crashCause(error: unknown): string {
    const k = this.settings.kafka;
    const budget = kafkaSettings(this.kafka!).retry.retries + 1;
    switch (classifyKafkaError(error)) {
      case 'unreachable':
        // kafkajs crashes at once, without its retries, when the fetch manager finds no broker at all
        return (error as { name?: unknown } | undefined)?.name === 'KafkaJSNoBrokerAvailableError'
          ? `Kafka unreachable at ${k.brokers.join(',')} while consuming: no broker available`
          : `Kafka unreachable at ${k.brokers.join(',')} while consuming: retry budget of ${budget} attempts spent`;
      case 'auth':
        return `Kafka authentication failed while consuming (auth ${k.auth})`;
      default:
        return 'kafka consumer crashed';
    }
  }

  // ---------------------------------------------------------------------------------------------- group

  private onGroupJoin(memberId: string, assignment: Record<string, number[]>): void {
    this.generation++;
    this.memberId = memberId;
    this.pendingRejoin = undefined;
    if (this.stopRequested || this.finished) return;
    this.state = 'running';
    const partitions = Object.values(assignment).reduce((n, ps) => n + ps.length, 0);
    this.logger.info('joined the consumer group', { memberId, generation: this.generation, partitions });
    // No fetch before the seeks (assign): kafkajs would start at the group's Kafka offsets, which can point at
    // records the lake is past, such as a batch no client decodes that `shoplake skip-offsets` skipped; a failing
    // fetch there spends kafkajs' retry budget while the checkpoints are read.
    const joined = Object.entries(assignment).map(([topic, ps]) => ({ topic, partitions: ps }));
    if (partitions > 0) this.consumer!.pause(joined);
    this.assigning++;
    this.ready = this.exclusive(async () => {
      try {
        // In-flight data of the previous assignment (a rebalance kafkajs noticed outside a handler): commit it
        // first, so that the checkpoints read next include it. Its partitions may already be someone else's: the
        // offset guard refuses the second of two writers of a partition, and the replay skips what the first landed.
        await this.flushLocked('rebalance', { rewind: false });
        await this.assign(assignment);
      } finally {
        this.assigning--;
      }
      // Fetching resumes once the newest join's seeks are done: paused at the join, or for backpressure before it.
      if (this.assigning > 0 || this.stopRequested || this.finished) return;
      const assigned = this.positions.assigned();
      if (this.paused) this.resume();
      else if (assigned.length > 0) this.consumer!.resume(assigned);
    });
    this.ready.catch((e: unknown) => this.fail(e, 'assignment'));
  }

  private onRebalancing(): void {
    if (this.stopRequested || this.finished) return;
    this.state = 'rebalancing';
    this.logger.info('the group is rebalancing: committing in-flight data', {
      records: this.batch?.records ?? 0,
      bytes: this.batch?.bytes ?? 0,
    });
    this.exclusive(() => this.flushLocked('rebalance', { rewind: false })).catch((e: unknown) =>
      this.fail(e, 'flush on rebalance'),
    );
  }

  /** Seeks every assigned partition to its bronze checkpoint + 1: the Iceberg tables are the source of truth. */
  private async assign(assignment: Record<string, number[]>): Promise<void> {
    const pipeline = this.pipeline!;
    const checkpoints = new Map<string, Map<number, number>>();
    for (const topic of Object.keys(assignment)) checkpoints.set(topic, await pipeline.checkpoint(topic));
    if (this.stopRequested || this.finished) return;
    this.positions.reset(assignment, checkpoints);
    const resumeAt: Record<string, Record<number, number>> = {};
    for (const p of this.positions.all()) {
      this.seek(p.topic, p.partition, p.next);
      (resumeAt[p.topic] ??= {})[p.partition] = p.next;
    }
    this.logger.info('partitions assigned: resuming each at its bronze checkpoint + 1', { resumeAt });
  }

  private seek(topic: string, partition: number, offset: number): void {
    this.consumer!.seek({ topic, partition, offset: String(offset) });
    this.positions.sought(topic, partition, offset);
  }

  // ---------------------------------------------------------------------------------------------- consume

  private get bufferedBytes(): number {
    return (this.batch?.bytes ?? 0) + this.flushingBytes + this.waitingBytes;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    this.heartbeat = payload.heartbeat;
    this.lastAliveAt = Date.now();
    let incoming = 0;
    for (const m of batch.messages) incoming += valueBytes(m);
    this.waitingBytes += incoming;
    let waiting = true;
    const generation = this.generation;
    try {
      // A commit runs outside a handler (commit interval, rebalance) and fetches keep arriving: stop fetching more
      // until it is done (flushLocked resumes).
      if (this.flushingBytes > 0 && this.bufferedBytes >= this.settings.maxBufferedBytes) {
        this.pause('buffer full while a commit runs');
      }
      await this.ready;
      await this.exclusive(async () => {
        this.waitingBytes -= incoming;
        waiting = false;
        if (this.stopRequested || this.finished || generation !== this.generation) return;
        if (!payload.isRunning() || payload.isStale()) return;
        await this.take(payload, incoming);
      });
    } catch (e) {
      this.fail(e, `batch of ${batch.topic}/${batch.partition}`);
      return;
    } finally {
      if (waiting) this.waitingBytes -= incoming;
    }
    if (this.stopRequested || this.finished) return;
    // Heartbeat last: kafkajs' own heartbeat right after this handler is then throttled, so a rebalance is mostly
    // noticed here, where the in-flight batch can still be committed before the partitions are released.
    let rejoin = this.pendingRejoin;
    if (rejoin === undefined) {
      try {
        await payload.heartbeat();
      } catch (e) {
        if (!isRejoinError(e)) throw e;
        rejoin = e;
      }
    }
    if (rejoin !== undefined) {
      this.pendingRejoin = undefined;
      this.state = 'rebalancing';
      this.logger.info('rebalance noticed: committing in-flight data before the partitions are released', {
        reason: (rejoin as Error).message,
        records: this.batch?.records ?? 0,
      });
      try {
        await this.exclusive(() => this.flushLocked('rebalance', { rewind: false }));
      } catch (e) {
        this.fail(e, 'flush on rebalance');
        return;
      }
      throw rejoin;
    }
  }

  /** Inside the lock: judge the fetch, add its new records, flush on size or age. */
  private async take(payload: EachBatchPayload, incoming: number): Promise<void> {
    const { batch } = payload;
    const hw = Number(batch.highWatermark);
    const fetchedOffset = Number((batch as unknown as { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset());
    let verdict = this.positions.judge(batch.topic, batch.partition, fetchedOffset, batch.messages, hw);
    if (verdict.kind === 'beyond' && verdict.seekedTo === verdict.next) {
      // kafkajs read from further on although we sought to `next`: only if Kafka no longer has `next` (retention
      // moved the log start past it) do we move on; otherwise this was a stale fetch and we seek again.
      const low = await this.logStartOffset(batch.topic, batch.partition);
      if (low !== null && low > verdict.next) {
        this.reportSkipped(batch.topic, batch.partition, verdict.next, low);
        this.positions.skipTo(batch.topic, batch.partition, low);
        verdict = this.positions.judge(batch.topic, batch.partition, fetchedOffset, batch.messages, hw);
      }
    }
    if (verdict.kind === 'unassigned') return;
    if (verdict.kind === 'beyond') {
      this.seek(batch.topic, batch.partition, verdict.next);
      return;
    }
    if (verdict.messages.length > 0) {
      const s = this.settings;
      if (this.batch && this.batch.records > 0 && this.batch.bytes + incoming > s.maxBufferedBytes) {
        this.pause(`buffered ${this.batch.bytes + incoming} bytes would exceed the limit`);
        await this.flushLocked('max-buffered');
      }
      if (!this.batch) {
        this.batch = this.pipeline!.batch();
        this.batchDeadline = performance.now() + s.commitIntervalMs;
        this.armDeadline();
      }
      await this.batch.add(
        verdict.messages.map((m: KafkaMessage) => toPipelineRecord(batch.topic, batch.partition, m)),
      );
    }
    payload.resolveOffset(batch.lastOffset());
    if (this.batch && this.batch.bytes >= this.settings.targetBatchBytes) await this.flushLocked('size');
    else if (this.batch && performance.now() >= this.batchDeadline) await this.flushLocked('interval');
  }

  /** (Re)arms the commit-interval timer for the in-flight batch. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const ms = Math.max(1, Math.ceil(this.batchDeadline - performance.now()));
    this.deadlineTimer = setTimeout(() => this.onDeadline(), ms);
  }

  /**
   * The commit interval ended while no fetch arrived: flush outside a handler. A timer may fire a little before
   * its deadline by the clock (and a handler may have flushed meanwhile): then it is armed again, never dropped.
   */
  private onDeadline(): void {
    this.exclusive(async () => {
      if (!this.batch) return;
      if (performance.now() < this.batchDeadline) this.armDeadline();
      else await this.flushLocked('interval');
    }).catch((e: unknown) => this.fail(e, 'flush on commit interval'));
  }

  // ---------------------------------------------------------------------------------------------- commit

  /**
   * Commits the in-flight batch (bronze last, core/pipeline), then queues the Kafka offsets. Must hold the lock.
   * An OffsetConflictError (another writer landed one of its partitions first) drops the batch and, unless told
   * otherwise, rewinds every partition to its checkpoint. Other errors propagate (fatal).
   */
  private async flushLocked(reason: FlushReason, options: { rewind?: boolean } = {}): Promise<void> {
    clearTimeout(this.deadlineTimer);
    const batch = this.batch;
    this.batch = undefined;
    if (!batch || batch.records === 0) return;
    this.flushingBytes = batch.bytes;
    // A long commit must not cost the group membership: heartbeat through it (a handler may be blocked on the lock,
    // and kafkajs heartbeats only between fetches). A rebalance noticed now is answered after the commit.
    const ticker = setInterval(() => this.tickHeartbeat(), this.settings.kafka.heartbeatIntervalMs);
    let result: BatchResult;
    try {
      result = await batch.commit();
    } catch (e) {
      if (!(e instanceof OffsetConflictError)) throw e;
      this.logger.warn(
        'another writer committed the same partitions first: dropping this batch and replaying from the checkpoint',
        {
          reason,
          records: batch.records,
          error: e.message,
        },
      );
      if ((options.rewind ?? true) && !this.stopRequested) await this.rewind();
      this.resumeAfterFlush();
      return;
    } finally {
      clearInterval(ticker);
      this.flushingBytes = 0;
    }
    this.lastCommitAt = Date.now();
    this.lastAliveAt = this.lastCommitAt;
    this.committedBatches++;
    this.positions.committedUpTo(result.offsets);
    const lag = this.positions.lag();
    publishBatchMetrics(this.metrics, result, lag);
    this.logger.info('batch committed', {
      reason,
      recordsIn: result.recordsIn,
      bytesIn: result.bytesIn,
      landed: result.landed,
      quarantined: result.quarantined,
      duplicates: result.duplicates,
      late: result.late,
      alreadyCommitted: result.alreadyCommitted,
      unknownFields: result.unknownFields,
      bronze: result.bronze,
      reasons: result.reasons,
      offsets: result.offsets,
      tables: Object.keys(result.tables).length,
      commitLatencyMs: Math.round(result.commitLatencyMs),
      durationMs: Math.round(result.durationMs),
      lag,
    });
    this.deps.onCommit?.(result, reason);
    this.queueKafkaCommit(result.offsets);
    this.resumeAfterFlush();
  }

  /** What waits for the lock is already fetched: fetching resumes as soon as the commit is done. */
  private resumeAfterFlush(): void {
    if (this.paused && !this.stopRequested) this.resume();
  }

  /** After a refused commit: every assigned partition back to its checkpoint + 1. */
  private async rewind(): Promise<void> {
    const assignment: Record<string, number[]> = {};
    for (const { topic, partitions } of this.positions.assigned()) assignment[topic] = partitions;
    await this.assign(assignment);
  }

  private tickHeartbeat(): void {
    this.heartbeat?.().catch((e: unknown) => {
      if (isRejoinError(e)) this.pendingRejoin ??= e;
    });
  }

  /** Kafka consumer-group offsets (offset + 1), after the Iceberg commit: for lag metrics and autoscaling only. */
  private queueKafkaCommit(offsets: Record<string, Record<number, number>>): void {
    for (const [topic, parts] of Object.entries(offsets)) {
      for (const [p, offset] of Object.entries(parts)) {
        const partition = Number(p);
        if (!this.positions.get(topic, partition)) continue; // no longer ours: its new owner commits it
        this.kafkaCommits.set(`${topic}/${partition}`, { topic, partition, offset: String(offset + 1) });
      }
    }
    this.kafkaCommitting ??= this.drainKafkaCommits().finally(() => (this.kafkaCommitting = undefined));
  }

  private async drainKafkaCommits(): Promise<void> {
    while (this.kafkaCommits.size > 0 && this.running) {
      const list = [...this.kafkaCommits.values()];
      this.kafkaCommits.clear();
      try {
        await this.consumer!.commitOffsets(list);
      } catch (e) {
        // Harmless for correctness (the Iceberg checkpoint is the truth); the group's lag metric lags until the
        // next commit succeeds.
        this.logger.warn('Kafka offset commit failed (lag metrics only; the Iceberg checkpoint is the truth)', {
          error: rootMessage(e),
          partitions: list.length,
        });
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- backpressure

  private pause(why: string): void {
    if (this.paused || !this.consumer || !this.running) return;
    const assigned = this.positions.assigned();
    if (assigned.length === 0) return;
    this.paused = true;
    this.consumer.pause(assigned);
    this.logger.info('fetching paused until the in-flight batch is committed', {
      why,
      bufferedBytes: this.bufferedBytes,
      maxBufferedBytes: this.settings.maxBufferedBytes,
    });
  }

  private resume(): void {
    if (!this.paused || !this.consumer || this.assigning > 0) return;
    this.paused = false;
    this.consumer.resume(this.positions.assigned());
    this.logger.info('fetching resumed', { bufferedBytes: this.bufferedBytes });
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /** Serialises adds, flushes and assignments: one pipeline batch at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async logStartOffset(topic: string, partition: number): Promise<number | null> {
    if (!this.admin) {
      this.admin = this.kafka!.admin();
      await this.admin.connect();
    }
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const low = offsets.find((o) => o.partition === partition)?.low;
    return low === undefined ? null : Number(low);
  }

  private reportSkipped(topic: string, partition: number, from: number, to: number): void {
    const p = this.positions.get(topic, partition);
    const fields = { topic, partition, fromOffset: from, toOffset: to - 1, count: to - from };
    if (p?.hadCheckpoint) {
      this.logger.error(
        `offsets ${from}..${to - 1} of ${topic}/${partition} were deleted from Kafka before they landed ` +
          '(retention shorter than the consumer was behind): they are lost upstream of the lake',
        fields,
      );
      publishOffsetsSkipped(this.metrics, to - from);
    } else {
      this.logger.warn(
        `${topic}/${partition} has no checkpoint yet and Kafka starts at offset ${to}: starting there`,
        fields,
      );
    }
  }

  private kafkaLog(e: KafkaLogEntry): void {
    const level = e.level === 'info' && CHATTY.test(e.message) ? 'debug' : e.level;
    this.logger[level](`kafka ${e.namespace}: ${e.message}`, e.fields);
  }

  private healthReport(): HealthReport {
    const s = this.settings;
    const staleAfterMs = Math.max(60_000, 3 * s.kafka.sessionTimeoutMs, 2 * s.commitIntervalMs);
    const sinceAlive = Date.now() - this.lastAliveAt;
    const healthy = (this.state === 'running' || this.state === 'rebalancing') && sinceAlive < staleAfterMs;
    return {
      healthy,
      details: {
        state: this.state,
        groupId: s.kafka.groupId,
        memberId: this.memberId ?? null,
        generation: this.generation,
        partitions: this.positions.all().length,
        batch: { records: this.batch?.records ?? 0, bytes: this.batch?.bytes ?? 0 },
        bufferedBytes: this.bufferedBytes,
        paused: this.paused,
        committedBatches: this.committedBatches,
        lastCommitAgoMs: this.lastCommitAt === undefined ? null : Date.now() - this.lastCommitAt,
        lastActivityAgoMs: sinceAlive,
        lag: this.positions.lag(),
        memory: { rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed },
      },
    };
  }

  // ---------------------------------------------------------------------------------------------- stop

  private async shutdown(reason: string): Promise<void> {
    const started = Date.now();
    const timer = setTimeout(() => {
      this.logger.error(`did not stop within ${this.settings.stopTimeoutMs} ms: exiting without a clean leave`, {
        reason,
        records: this.batch?.records ?? 0,
      });
      void this.finish(1);
    }, this.settings.stopTimeoutMs);
    const wasRunning = this.running;
    this.state = 'stopping';
    try {
      if (wasRunning) {
        this.logger.info('stopping: committing in-flight data, then leaving the group', {
          reason,
          records: this.batch?.records ?? 0,
          bytes: this.batch?.bytes ?? 0,
        });
        this.paused = false;
        const assigned = this.positions.assigned();
        if (assigned.length > 0) this.consumer!.pause(assigned);
        await this.exclusive(() => this.flushLocked('shutdown', { rewind: false }));
        // The group offsets are for lag metrics only: wait for them briefly, never for a broken cluster's retries.
        await Promise.race([this.kafkaCommitting, new Promise((r) => setTimeout(r, KAFKA_COMMIT_WAIT_MS).unref())]);
        this.running = false;
        await this.consumer!.disconnect();
      } else {
        this.logger.info('stopping before consuming anything', { reason });
        this.running = false;
        await this.consumer?.disconnect().catch(() => undefined);
      }
      clearTimeout(timer);
      this.logger.info('stopped', {
        reason,
        durationMs: Date.now() - started,
        committedBatches: this.committedBatches,
      });
      await this.finish(0);
    } catch (e) {
      clearTimeout(timer);
      this.logger.error('stopping failed: the in-flight batch is not committed (the next owner replays it)', {
        error: e as Error,
      });
      await this.finish(1);
    }
  }

  private fail(error: unknown, during: string): void {
    if (this.finished || this.state === 'failed') return;
    const stopping = this.stopRequested;
    this.state = 'failed';
    this.stopRequested = true;
    this.abort.abort();
    this.logger.error(`stream consumer failed (${during}): ${rootMessage(error)}`, {
      error: error instanceof Error ? error : new Error(String(error)),
      uncommittedRecords: this.batch?.records ?? 0,
      whileStopping: stopping,
    });
    this.batch = undefined;
    this.running = false;
    void (async () => {
      const disconnect = this.consumer?.disconnect().catch(() => undefined);
      // Leave the group if that is quick; the exit must not wait for a broken cluster.
      await Promise.race([disconnect, new Promise((r) => setTimeout(r, 5000).unref())]);
      await this.finish(1);
    })();
  }

  private async finish(code: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (code === 0) this.state = 'stopped';
    clearTimeout(this.deadlineTimer);
    clearInterval(this.lagTimer);
    await this.admin?.disconnect().catch(() => undefined);
    await this.health?.close();
    this.resolveDone(code);
  }
}
