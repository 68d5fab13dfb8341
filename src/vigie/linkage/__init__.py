"""Record linkage: deciding which reports describe the same incident (plain Python, no Django)."""
