// Not built yet: the gold build (star schema and marts) comes with its own issue. The scheduled ECS task runs this
// command (`node dist/gold.mjs`, lib/stacks/ingest-stack.ts); it says so and exits 0 so that the schedule shows as
// healthy.
console.log(JSON.stringify({ level: 'WARN', message: 'shoplake gold build is not built yet; nothing to do' }));
