// PLACEHOLDER until table maintenance (compaction, snapshot expiry, orphan cleanup) is built. The scheduled task
// runs this command; it says so and exits 0 so the schedule shows as healthy.
console.log(JSON.stringify({ level: 'WARN', msg: 'shoplake maintenance job is not built yet; nothing to do' }));
