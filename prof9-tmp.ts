import { Random } from './core/generator/random.js';
import { buildContext } from './core/generator/events/context.js';
import { newIds, buildShops } from './core/generator/shops.js';
import { newVisit, pageViewed } from './core/generator/events/behaviour.js';
import { isoMicros } from './core/generator/time-format.js';
const r = new Random(1);
const ids = newIds();
const shops = buildShops(r.fork(), 5, 1741000000000000, ids);
const ctx = buildContext(r, r.faker(), ids, { page_viewed: 1 });
const v = newVisit(ctx, shops[0]!);
const N = 100000;
function m(label: string, f: (i: number) => string) {
  let c0 = process.cpuUsage(); for (let i = 0; i < N; i++) f(i); let c = process.cpuUsage(c0); const a = (c.user + c.system) / N;
  c0 = process.cpuUsage(); let x = 0; for (let i = 0; i < N; i++) x += f(i).charCodeAt(3); c = process.cpuUsage(c0); const b = (c.user + c.system) / N;
  console.log(label.padEnd(12), 'build', a.toFixed(2), 'build+flatten', b.toFixed(2));
}
m('pageViewed', (i) => pageViewed(ctx, v, 1741000000000000 + i * 1000, false).json);
m('uuid', () => r.uuid() + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
m('iso', (i) => isoMicros(1741000000000000 + i * 1000) + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
m('device', () => v.deviceJson + v.clientJson + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
m('url', () => v.pageUrl + v.clientJson + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
m('shopname', () => shops[0]!.nameInJson + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
