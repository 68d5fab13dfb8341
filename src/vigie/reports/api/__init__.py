"""The API of sources and reports: reading them, and a monitor's report submitted (intake.py)."""
