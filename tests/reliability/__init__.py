"""Fault injection: kills, concurrent writers, full disks, bad files, corruption, leaks."""
