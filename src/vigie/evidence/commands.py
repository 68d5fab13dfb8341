"""`vigie` commands of this app (registered by vigie.cli)."""

commands: list = []
