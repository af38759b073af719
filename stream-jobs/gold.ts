// PLACEHOLDER until the gold build (star schema and marts) is built. The scheduled task runs this command; it says
// so and exits 0 so the schedule shows as healthy.
console.log(JSON.stringify({ level: 'WARN', msg: 'shoplake gold build is not built yet; nothing to do' }));
