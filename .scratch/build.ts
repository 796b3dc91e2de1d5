import { build } from '/work/wt/perf/test/bench/sweep.bench.ts';
console.log(build('/tmp/perfx/r100.sqlite', { accounts: 100_000, units: 5_000, posts: 2_000_000 }));
