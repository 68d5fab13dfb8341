"""The API of incidents: the public and member answers, and the references read for a page."""
