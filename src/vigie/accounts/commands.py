"""`vigie` commands about accounts and access (registered by vigie.cli)."""

commands: list = []
