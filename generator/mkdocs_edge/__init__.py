"""The MkDocs edge: the only code that imports `mkdocs` or `material` (tests/test_layout.py guards it).

The plugin registers what the pure modules make, the skeleton fill lays out the many entity pages, `build` and `serve`
run MkDocs for the command line. generator/README.md lists what the site takes from MkDocs through here.
"""
