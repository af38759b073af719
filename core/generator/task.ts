// The unit of simulated work: something that happens at a time (`at`, epoch microseconds), emits at most one
// event when the clock reaches it, and may schedule more work. Sessions, order follow-ups and merchant actions
// are tasks; the simulation pops them from its EventQueue in time order.
import type { GenerateOptions } from './options.js';
import type { Scheduled } from './event-queue.js';
import type { Shop } from './shops.js';
import type { BuildContext, Built, Order } from './events/context.js';

export interface Sim {
  readonly ctx: BuildContext;
  readonly options: GenerateOptions;
  readonly shops: readonly Shop[];
  /** Session funnel tallies, counted when a session's plan is drawn. */
  readonly funnel: FunnelCounts;
  schedule(task: Task): void;
  /** Schedules a one-off action at `at`. */
  later(at: number, fn: (sim: Sim, at: number) => Built | null): void;
  /** Keeps a recent order around for events that need one (late and bad copies). */
  rememberOrder(order: Order): void;
  recentOrder(): Order | undefined;
}

export interface FunnelCounts {
  sessions: number;
  productViewers: number;
  carts: number;
  checkouts: number;
  orders: number;
}

export interface Task extends Scheduled {
  fire(sim: Sim): Built | null;
}

export class FnTask implements Task {
  seq = 0;
  constructor(
    public at: number,
    private readonly fn: (sim: Sim, at: number) => Built | null,
  ) {}
  fire(sim: Sim): Built | null {
    return this.fn(sim, this.at);
  }
}
