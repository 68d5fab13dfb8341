"""The API of organisations: the caller's organisations and roles."""
