/**
 * The @platformatic/kafka client under the consumer, beside ./kafkajs.ts: a platformatic Consumer
 * and its MessagesStream as the kit's GroupMember, what the stream delivered as the runner's
 * batches (one per partition per read of the stream's buffer, up to partitionsConsumedConcurrently
 * at once), and the dead-letter producer on the same transport.
 *
 * The library streams records and has no per-partition pause or seek, so this file keeps them: a
 * paused partition's records are dropped as they arrive (its position is restored on resume), and
 * a seek rewrites the stream's next fetch offset and drops that partition's records until the one
 * sought arrives (a fetch already in flight may answer from the old position; each of its records
 * re-applies the seek). A stream that breaks, or a rejoin the library gives up on, is a crash it
 * does not restart from: the supervisor builds a new member, as for kafkajs. A membership the
 * coordinator dropped is a crash with restart: the library rejoins by itself. Partition ends and
 * lost memberships come from the library's documented diagnostics channels.
 */
import type * as Platformatic from '@platformatic/kafka';
import { DLQ_HEADERS, headerString } from '../dlq/headers';
import { KafkaError, TransportUnsupportedError } from '../errors';
import { kafkaErrorType } from '../kafka/client';
import { platformatic, platformaticBase, platformaticProducer } from '../kafka/platformatic';
import type { ConsumedRecord, GroupMember, MemberEvents, RecordHeaders } from '../kafka/transport';
import { PACKAGE_NAME } from '../package-info';
import { CONSUMER_EVENTS } from './events';
import type { BatchControl } from './runner';
import type { ConsumerClient, MemberOptions } from './transport';

type Raw = Platformatic.Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = Platformatic.MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type Client = Platformatic.Consumer<Buffer, Buffer, Buffer, Buffer>;

/** kafkajs consumer settings that have a platformatic counterpart; any other is a TransportUnsupportedError. */
const CONSUMER_SETTINGS: Record<string, string> = {
  sessionTimeout: 'sessionTimeout',
  heartbeatInterval: 'heartbeatInterval',
  rebalanceTimeout: 'rebalanceTimeout',
  maxWaitTimeInMs: 'maxWaitTime',
  minBytes: 'minBytes',
  maxBytes: 'maxBytes',
  maxBytesPerPartition: 'maxBytesPerPartition',
};

/** The consumer's platformatic client: group members and the dead-letter producer. */
export function platformaticClient(member: MemberOptions): ConsumerClient {
  const base = platformaticBase(member.options, `${member.options.groupId}`);
  const settings = { ...consumerSettings(member.options.consumerConfig), ...membershipSettings(member.options) };
  return {
    create: () => platformaticMember(member, { ...base, ...settings }),
    deadLetterProducer: () =>
      platformaticProducer(base, ({ headers }) => {
        const source = Number(headers ? headerString(headers, DLQ_HEADERS.ORIGINAL_PARTITION) : undefined);
        return Number.isInteger(source) && source >= 0 ? source : 0;
      }),
  };
}

function consumerSettings(config: object | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config ?? {})) {
    if (name === 'retry') continue; // kafkajs's restart policy: the supervisor's here
    const mapped = CONSUMER_SETTINGS[name];
    if (!mapped)
      throw new TransportUnsupportedError('platformatic', `the kafkajs consumer setting consumerConfig.${name}`);
    settings[mapped] = value;
  }
  return settings;
}

/** ConsumerOptions.membership as the library's group options. */
function membershipSettings({ membership, consumerConfig }: MemberOptions['options']): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (membership?.instanceId !== undefined) settings.groupInstanceId = membership.instanceId;
  if (membership?.protocol === 'consumer') {
    // the broker keeps the session and assigns: the classic protocol's settings have no place
    const classic = ['sessionTimeout', 'heartbeatInterval'].filter((name) => consumerConfig && name in consumerConfig);
    if (classic.length > 0)
      throw new TransportUnsupportedError(
        'platformatic',
        `consumerConfig.${classic.join(' and ')} with the consumer group protocol`,
        "the broker sets them for that protocol (group.consumer.session.timeout.ms, group.consumer.heartbeat.interval.ms); remove them, or use membership.protocol: 'classic'",
      );
    settings.groupProtocol = 'consumer';
  }
  return settings;
}

interface Drained {
  partition: number;
  raws: Raw[];
  /** The stream's next fetch offset for the partition when drained; undefined while a seek is pending. */
  position: bigint | undefined;
}

interface PartitionState {
  paused: boolean;
  /** The offset a seek asked for, until its record arrives. */
  seekTo: bigint | undefined;
  /** Seeks so far: a batch fetched before the last one is stale. */
  seeks: number;
}

type Listeners = { [E in keyof MemberEvents]: Set<MemberEvents[E]> };

const NO_HEADERS: RecordHeaders = Object.freeze({}) as RecordHeaders;
const noHeartbeat = () => Promise.resolve();

function platformaticMember(member: MemberOptions, settings: Record<string, unknown>): GroupMember {
  const { topic, options, runner, events } = member;
  const concurrency = Math.max(1, options.partitionsConsumedConcurrently ?? 1);
  const listeners: Listeners = { joined: new Set(), heartbeat: new Set(), crashed: new Set() };
  const states = new Map<number, PartitionState>();
  /** The partitions of the last join: a record of another (fetched before a rebalance) is not this member's to handle. */
  let assigned: Set<number> | undefined;
  /** Each partition's end as the last fetch response said (the stream's records do not carry it). */
  const ends = new Map<number, bigint>();
  let consumer: Client | undefined;
  let stream: Stream | undefined;
  let closing = false;
  let wake: (() => void) | undefined;
  let pumping: Promise<void> | undefined;
  /** The pump waits for records: everything the stream delivered was handled. */
  let idle = false;
  /** Between a classic rebalance's start and the join: nothing is drained. */
  let rebalancing = false;
  /** What stops listening to the library's diagnostics channels. */
  const unwatch: Array<() => void> = [];

  /** `restart`: the library rejoins by itself (membership lost); else this member is done. */
  const crash = (error: unknown, restart = false) => {
    if (closing) return;
    // membership lost (a session that expired while the process was frozen): its partitions are
    // another member's by now, so nothing more is handled until the library's rejoin
    if (restart) rebalancing = true;
    if (!restart) {
      closing = true;
      wake?.();
    }
    events.emit(CONSUMER_EVENTS.CRASHED, { error, restart });
    for (const l of listeners.crashed) l(error, restart);
  };
  const joined = (assignments: Platformatic.GroupAssignment[] | null | undefined) => {
    const mine = assignments?.find((a) => a.topic === topic)?.partitions ?? [];
    assigned = new Set(mine);
    for (const p of states.keys()) if (!assigned.has(p)) states.delete(p);
    settled();
    for (const l of listeners.joined) l({ [topic]: mine });
  };
  // the group is settled again: a join, a rejoin's end, or a heartbeat answered. Not the join only:
  // a late rebalance answer after its join held the drain for good once (17 bookings never handled)
  const settled = () => {
    if (!rebalancing) return;
    rebalancing = false;
    wake?.();
  };
  /** KIP-848 moves a member's partitions between heartbeats, with no join and no event: follow the library's. */
  const syncAssignments = () => {
    const now = consumer?.assignments;
    const mine = now?.find((a) => a.topic === topic)?.partitions ?? [];
    if (now && (mine.length !== assigned?.size || !mine.every((p) => assigned!.has(p)))) joined(now);
  };
  const fetchFrom = (partition: number, offset: bigint) =>
    void stream?.offsetsToFetch.set(`${topic}:${partition}`, offset);

  /** Whether a record the stream delivered is to be handled (see the file's comment). */
  const accept = (raw: Raw): boolean => {
    if (assigned && !assigned.has(raw.partition)) syncAssignments();
    if (assigned && !assigned.has(raw.partition)) return false;
    const state = states.get(raw.partition);
    if (!state) return true;
    if (state.paused) return false;
    if (state.seekTo === undefined) return true;
    if (raw.offset !== state.seekTo) {
      fetchFrom(raw.partition, state.seekTo);
      return false;
    }
    state.seekTo = undefined;
    return true;
  };

  const drain = (s: Stream) => drainStream(s, topic, accept, states);

  /** One drained partition through the runner. */
  const handle = ({ partition, raws, position }: Drained) =>
    runner.eachBatch(
      batchControl({
        topic,
        partition,
        state: stateIn(states, partition),
        raws,
        position,
        end: ends.get(partition),
        closing: () => closing,
        rebalancing: () => rebalancing,
        fetchFrom,
        consumer,
      }),
    );

  const pump = async (s: Stream) => {
    while (!closing) {
      const batches = rebalancing ? undefined : drain(s);
      if (!batches) {
        idle = true;
        markers.pass();
        await new Promise<void>((resolve) => (wake = resolve));
        idle = false;
        wake = undefined;
        continue;
      }
      // up to partitionsConsumedConcurrently partitions at once, as kafkajs runs eachBatch
      let next = 0;
      const lane = async () => {
        while (!closing && next < batches.length) await handle(batches[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, lane));
    }
  };

  const quiet = () =>
    stream && consumer && !closing && idle && !rebalancing && stream.readableLength === 0
      ? { stream, consumer, assigned }
      : undefined;
  const markers = markerPass({ topic, runner, states, ends, now: quiet });

  return {
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => void set.delete(listener);
    },
    async run() {
      const { MessagesStreamModes, MessagesStreamFallbackModes } = platformatic();
      const c = groupClient(settings, options.groupId);
      consumer = c;
      unwatch.push(
        watchEnds(c, ends, markers.answered),
        watchMembership(c, (error) => crash(error, true)),
      );
      c.on('consumer:group:join', (payload: Platformatic.ConsumerGroupJoinPayload) =>
        joined(payload.assignments ?? c.assignments),
      );
      // an eager rebalance: nothing is drained until the join says which partitions stay, so no
      // record is handled here and by its next owner too (KIP-848 moves partitions by assignment)
      if (settings.groupProtocol !== 'consumer') c.on('consumer:group:rebalance', () => void (rebalancing = true));
      c.on('consumer:rejoin', settled);
      c.on('consumer:heartbeat:end', () => {
        settled();
        syncAssignments();
        for (const l of listeners.heartbeat) l();
      });
      c.on('error', (error: unknown) => crash(error));
      const s = await c.consume({
        topics: [topic],
        autocommit: false,
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: options.fromBeginning ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      });
      stream = s;
      s.on('error', (error) => crash(error));
      s.on('close', () => crash(new KafkaError(`the message stream of ${topic} closed`, topic, { retriable: true })));
      s.on('readable', () => wake?.());
      pumping = pump(s).catch((error: unknown) => crash(error));
    },
    async disconnect() {
      const wasClosing = closing;
      closing = true;
      wake?.();
      await pumping;
      for (const stop of unwatch.splice(0)) stop();
      const c = consumer;
      consumer = undefined;
      stream = undefined;
      if (!c) return;
      // force: closes the stream too, then leaves the group
      await c.close(true).catch((error: unknown) => {
        if (!wasClosing) throw error;
      });
    },
  };
}

/**
 * Everything the stream holds now that `accept` takes, by partition, each with the stream's
 * position then: every record before it was read and pushed, so a batch handled to its end may be
 * committed past the transaction markers between its last record and the position (the stream
 * skips them).
 */
function drainStream(
  s: Stream,
  topic: string,
  accept: (raw: Raw) => boolean,
  states: Map<number, PartitionState>,
): Drained[] | undefined {
  let batches: Map<number, Raw[]> | undefined;
  let raw: Raw | null;
  while ((raw = s.read() as Raw | null) !== null) {
    if (!accept(raw)) continue;
    batches ??= new Map();
    const list = batches.get(raw.partition);
    if (list) list.push(raw);
    else batches.set(raw.partition, [raw]);
  }
  if (!batches) return undefined;
  return [...batches].map(([partition, raws]) => ({
    partition,
    raws,
    position: states.get(partition)?.seekTo === undefined ? s.offsetsToFetch.get(`${topic}:${partition}`) : undefined,
  }));
}

function stateIn(states: Map<number, PartitionState>, partition: number): PartitionState {
  let state = states.get(partition);
  if (!state) states.set(partition, (state = { paused: false, seekTo: undefined, seeks: 0 }));
  return state;
}

interface MarkerPassOptions {
  topic: string;
  runner: MemberOptions['runner'];
  states: Map<number, PartitionState>;
  ends: Map<number, bigint>;
  /** The stream and client, only while the stream holds no record and every one it delivered was handled. */
  now(): { stream: Stream; consumer: Client; assigned: Set<number> | undefined } | undefined;
}

/**
 * Once the stream holds no record and every one it delivered was handled, a partition a fetch
 * answered with record batches (`answered`) may have got only transaction markers (or aborted
 * records), which the stream skips. The runner moves the group past them (`pass`), as for
 * kafkajs's batches of markers; otherwise a partition whose last records are a transaction's
 * marker keeps a lag of 1 and is taken for stalled. (Past records it handled, the runner's own
 * commit makes this a no-op.)
 */
function markerPass({ topic, runner, states, ends, now }: MarkerPassOptions) {
  const waiting = new Set<number>();
  const pass = () => {
    const at = waiting.size > 0 ? now() : undefined;
    if (!at) return;
    const partitions = [...waiting];
    waiting.clear();
    for (const partition of partitions) {
      const state = states.get(partition);
      if (at.assigned?.has(partition) === false || state?.paused || state?.seekTo !== undefined) continue;
      const position = at.stream.offsetsToFetch.get(`${topic}:${partition}`);
      if (position === undefined || position <= 0n) continue;
      const end = ends.get(partition) ?? position;
      void runner.passedMarkers(topic, partition, String(position - 1n), String(end), (offset) =>
        at.consumer.commit({ offsets: [{ topic, partition, offset: BigInt(offset) + 1n, leaderEpoch: -1 }] }),
      ); // never rejects: the runner logs a failed commit
    }
  };
  return {
    pass,
    answered(partitions: number[]) {
      for (const p of partitions) waiting.add(p);
      pass();
    },
  };
}

/** A platformatic consumer of `groupId`, committing only when told to. */
function groupClient(settings: Record<string, unknown>, groupId: string): Client {
  const base = settings as { clientId?: string; bootstrapBrokers: string[]; groupProtocol?: string };
  return new (platformatic().Consumer)<Buffer, Buffer, Buffer, Buffer>({
    ...settings,
    clientId: base.clientId ?? PACKAGE_NAME,
    bootstrapBrokers: base.bootstrapBrokers,
    groupId,
    autocommit: false,
    // kafkajs's eager round-robin assignor goes by this name: with the same name (and the same
    // standard subscription and assignment encoding) members of both transports share a group,
    // so a running group can switch transport one member at a time (the consumer protocol's
    // assignor is the broker's)
    ...(base.groupProtocol === 'consumer' ? {} : { protocols: [{ name: 'RoundRobinAssigner', version: 0 }] }),
  } as Platformatic.ConsumerOptions<Buffer, Buffer, Buffer, Buffer>);
}

interface FetchTrace {
  client?: unknown;
  result?: {
    responses?: Array<{ partitions?: Array<{ partitionIndex: number; highWatermark: bigint; records?: unknown[] }> }>;
  };
}

/**
 * Keeps each partition's end from `consumer`'s fetch responses, through the library's documented
 * diagnostics channel (its stream's records do not carry it), so health() and the lag metric
 * count what waits beyond the batch as on kafkajs; once the stream has taken the response in, says
 * which partitions it answered with record batches (`answered`). Returns what stops listening.
 */
function watchEnds(consumer: Client, ends: Map<number, bigint>, answered: (partitions: number[]) => void): () => void {
  const channel = platformatic().consumerFetchesChannel;
  const onFetched = (message: unknown) => {
    const trace = message as FetchTrace;
    if (trace.client !== consumer) return;
    for (const t of trace.result?.responses ?? [])
      for (const p of t.partitions ?? []) if (p.highWatermark >= 0n) ends.set(p.partitionIndex, p.highWatermark);
  };
  // after the stream's callback: its records are pushed and its next fetch offsets set
  const onTakenIn = (message: unknown) => {
    const trace = message as FetchTrace;
    if (trace.client !== consumer) return;
    const partitions: number[] = [];
    for (const t of trace.result?.responses ?? [])
      for (const p of t.partitions ?? []) if (p.records && p.records.length > 0) partitions.push(p.partitionIndex);
    if (partitions.length > 0) answered(partitions);
  };
  channel.asyncStart.subscribe(onFetched);
  channel.asyncEnd.subscribe(onTakenIn);
  return () => {
    channel.asyncStart.unsubscribe(onFetched);
    channel.asyncEnd.unsubscribe(onTakenIn);
  };
}

/** The coordinator no longer knows the member (a session that expired, say), unlike a plain rebalance. */
const MEMBERSHIP_LOST = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

/**
 * Calls `lost` when a heartbeat of `consumer` finds its membership lost: the library then rejoins
 * by itself, which the supervisor hears as kafkajs's crash with restart (out of the group until the
 * next join, within the same give-up budget). A failed rejoin is the consumer's `error` event.
 */
function watchMembership(consumer: Client, lost: (error: unknown) => void): () => void {
  const failed = platformatic().consumerHeartbeatChannel.error;
  const onFailed = (message: unknown) => {
    const { client, error } = message as { client?: unknown; error?: unknown };
    const type = client === consumer ? kafkaErrorType(error) : undefined;
    if (type && MEMBERSHIP_LOST.has(type)) lost(error);
  };
  failed.subscribe(onFailed);
  return () => void failed.unsubscribe(onFailed);
}

interface BatchOf {
  topic: string;
  partition: number;
  state: PartitionState;
  raws: Raw[];
  position: bigint | undefined;
  /** The partition's end when fetched, when the fetch response was seen. */
  end: bigint | undefined;
  closing(): boolean;
  rebalancing(): boolean;
  fetchFrom(partition: number, offset: bigint): void;
  consumer: Client | undefined;
}

/** What the stream delivered of one partition as the runner's BatchControl. */
function batchControl(batch: BatchOf): BatchControl {
  const { topic, partition, state, raws, fetchFrom } = batch;
  const seeks = state.seeks;
  const messages = raws.map(toRecord);
  const last = messages[messages.length - 1]!.offset;
  return {
    topic,
    partition,
    messages,
    firstOffset: messages[0]!.offset,
    highWatermark: String(batch.end !== undefined && batch.end > BigInt(last) ? batch.end : BigInt(last) + 1n),
    // past the transaction markers the stream skipped, as kafkajs's batch.lastOffset()
    lastOffset: batch.position !== undefined && batch.position - 1n > BigInt(last) ? String(batch.position - 1n) : last,
    heartbeat: noHeartbeat,
    isRunning: () => !batch.closing(),
    isStale: () => state.seeks !== seeks,
    rebalancing: batch.rebalancing,
    commit: async (offset) => {
      let raw: Raw | undefined;
      for (let i = messages.length - 1; i >= 0 && !raw; i--) if (messages[i]!.offset === offset) raw = raws[i];
      if (raw) await raw.commit();
      else
        await batch.consumer!.commit({ offsets: [{ topic, partition, offset: BigInt(offset) + 1n, leaderEpoch: -1 }] });
    },
    // the stream keeps its own position
    resolve: () => undefined,
    groupMember: batch.consumer,
    seek: (offset) => {
      state.seekTo = BigInt(offset);
      state.seeks += 1;
      fetchFrom(partition, state.seekTo);
    },
    pause: () => {
      state.paused = true;
      return () => {
        state.paused = false;
        if (state.seekTo !== undefined) fetchFrom(partition, state.seekTo);
      };
    },
  };
}

/** A platformatic record as the kit's: one object per record; a repeated header keeps its last value. */
function toRecord(raw: Raw): ConsumedRecord {
  let headers = NO_HEADERS;
  if (raw.headers.size > 0) {
    headers = {};
    for (const [name, value] of raw.headers) headers[name.toString('utf8')] = value;
  }
  return {
    offset: raw.offset.toString(),
    key: raw.key ?? null,
    value: raw.value ?? null,
    headers,
    timestamp: raw.timestamp.toString(),
  };
}
