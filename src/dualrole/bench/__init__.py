"""The benchmark behind `make bench` (issue 6): real pty timings, small vs large."""
