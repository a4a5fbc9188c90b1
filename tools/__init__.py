"""Developer tools that are not part of the daily run (the benchmarks: tools/bench)."""
