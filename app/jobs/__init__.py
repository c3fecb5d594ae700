"""Large imports as jobs on a procrastinate queue: any number of worker processes."""
