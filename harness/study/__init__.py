"""What-if studies: scenario files, the fleet's layout, replications, shards, metrics, executors, the runner."""
