"""Models shipped with the package (the repository's models/ folder, installed as data)."""
