import { generateEvents } from './core/generator/generate-events.js';
const s = generateEvents({ events: 1_500_000, seed: 1 });
for (let i = 0; i < 50_000; i++) s.nextRecord();
const c0 = process.cpuUsage();
const t1 = performance.now();
let n = 0;
let bytes = 0;
for (let r = s.nextRecord(); r; r = s.nextRecord()) { n++; bytes += r.value.length; }
const dt = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(c0); const cs = (cpu.user + cpu.system) / 1e6;
console.log('wall ev/s', (n / dt).toFixed(0), 'cpu ev/s', (n / cs).toFixed(0), 'avg bytes', (bytes / n).toFixed(0));
