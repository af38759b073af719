// PLACEHOLDER until the ECS consumer of issue 6 replaces it. It consumes nothing (so no record is committed and
// none can be lost), answers the ECS health check on SHOPLAKE_HEALTH_PORT and exits cleanly on SIGTERM.
import { createServer } from 'node:http';

const port = Number(process.env.SHOPLAKE_HEALTH_PORT ?? 8080);
console.log(JSON.stringify({ level: 'WARN', msg: 'shoplake stream-jobs ingest is not built yet; consuming nothing' }));
const server = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(req.url === '/healthz' ? 'ok (placeholder: not built yet)\n' : 'not found\n');
});
server.listen(port, '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
