"""Pages about money: the family's (family.py), fiscal staff's work (fiscal.py), the patterns dashboard (dashboard.py)."""
