// What happens to an order after order_created: its stock is taken (inventory_adjusted `sold` per line), then it
// is either cancelled (order_cancelled, order_updated, stock restocked) or fulfilled (order_updated), and a share of
// fulfilled orders is refunded an hour to two weeks later (refund_created, order_updated, returned stock). Shares are in
// options.behaviour; every follow-up refers to the order created before it.
import { orderCancelled, orderUpdated, planRefund, refundCreated } from './events/orders.js';
import { adjustStock } from './stock.js';
import type { Order } from './events/context.js';
import type { Sim } from './task.js';

const SECOND = 1_000_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function scheduleOrderLifecycle(sim: Sim, o: Order): void {
  const r = sim.ctx.random;
  const { behaviour } = sim.options;
  sim.rememberOrder(o);
  for (const line of o.lines) {
    sim.later(o.createdUs + r.int(1, 6) * SECOND, (s, at) =>
      adjustStock(s, o.shop, line.variant, at, -line.quantity, 'sold'),
    );
  }
  if (r.chance(behaviour.cancel)) {
    const at = o.createdUs + Math.round(r.logUniform(10 * MINUTE, DAY));
    sim.later(at, (s, t) => {
      o.cancelled = true;
      o.financialStatus = o.financialStatus === 'paid' ? 'refunded' : 'voided';
      for (const line of o.lines)
        s.later(t + s.ctx.random.int(2, 20) * SECOND, (s2, t2) =>
          adjustStock(s2, o.shop, line.variant, t2, line.quantity, 'restock'),
        );
      s.later(t + s.ctx.random.int(1, 5) * SECOND, (s2, t2) =>
        orderUpdated(s2.ctx, o, t2, ['cancelled_at', 'financial_status']),
      );
      return orderCancelled(
        s.ctx,
        o,
        t,
        r.pick(['customer', 'customer', 'inventory', 'fraud', 'declined', 'other'] as const),
      );
    });
    return;
  }
  if (!r.chance(behaviour.fulfil)) return;
  const fulfilAt = o.createdUs + Math.round(r.logUniform(HOUR, 3 * DAY));
  const refund = r.chance(behaviour.refund);
  sim.later(fulfilAt, (s, t) => {
    const changed = ['fulfillment_status'];
    if (o.financialStatus !== 'paid') {
      o.financialStatus = 'paid';
      changed.push('financial_status');
    }
    o.fulfillmentStatus = 'fulfilled';
    if (refund) {
      s.later(t + Math.round(s.ctx.random.logUniform(HOUR, 14 * DAY)), (s2, t2) => {
        const plan = planRefund(s2.ctx, o);
        s2.later(t2 + s2.ctx.random.int(2, 30) * SECOND, (s3, t3) =>
          orderUpdated(s3.ctx, o, t3, ['financial_status', 'refunds']),
        );
        if (plan.restock) {
          for (const l of plan.lines)
            s2.later(t2 + s2.ctx.random.int(1, 10) * SECOND, (s3, t3) =>
              adjustStock(s3, o.shop, l.line.variant, t3, l.quantity, 'returned'),
            );
        }
        return refundCreated(s2.ctx, o, t2, plan);
      });
    }
    return orderUpdated(s.ctx, o, t, changed);
  });
}
