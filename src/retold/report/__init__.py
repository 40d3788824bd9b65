"""Reports of a comparison for people and machines: terminal, HTML and JSON.

- :func:`retold.report.terminal.render_terminal`: rich output for the terminal.
- :func:`retold.report.html.render_html`: one standalone, offline HTML page.
- :func:`retold.report.json.to_json`: JSON, schema ``retold.comparison/1`` (docs/formats.md).
- :func:`retold.report.diff.word_diff`: the word-level diff the two views highlight.

Submodules are imported on demand so that ``retold.report.json`` does not pull in rich.
"""
