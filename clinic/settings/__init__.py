"""Settings split by purpose: base, dev (make run), test (pytest) and production (docker)."""
