"""Every write of the liaison area, one service per operation: keyword-only, atomic, audited (before → after)."""
