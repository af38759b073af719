import { compileSource } from '../core/contracts/validate.js';
import { contracts } from '../core/contracts/index.js';
import { writeFileSync } from 'node:fs';
const s = compileSource(contracts().events.get('order_created')!).source;
writeFileSync('/tmp/vsrc.js', 'function anonymous(K,H\n) {\n' + s + '\n}');
