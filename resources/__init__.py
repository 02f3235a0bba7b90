"""Data shipped with the app (installed as the package ``explorer.resources``): the worked
examples, icons, translations and trained checkpoints. Read with ``explorer.resources_path``."""
