"""`vigie` commands about accounts, keys and access (registered by vigie.cli)."""

commands: list = []
