"""The browser side of intake and review: a monitor's report form and drafts, the analyst's review
queue, and the reference pages (sources, actors, places)."""
