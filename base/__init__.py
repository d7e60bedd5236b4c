"""The bottom layer: typed settings, data paths and the user-facing error base.

It imports nothing of the project, so every other package may import it (the layers
contract in pyproject.toml holds that line)."""
