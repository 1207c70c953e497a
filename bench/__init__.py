"""Throughput and latency benchmarks of the ePayment simulator (`make bench`); not tests."""
