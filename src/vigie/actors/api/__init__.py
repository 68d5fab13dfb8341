"""The API of the actor dictionary: actors and their other names."""
