"""The generator: content/ (YAML, Markdown, photos) -> a static site with QR codes, posters and open data."""
