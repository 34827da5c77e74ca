"""The Textual app: `tutor` with no command opens it (see docs/app.md).

`app.py` composes the screens in `screens/` from the widgets in `widgets/`; styles live in
`.tcss` files beside them, texts in `tutor/locales/ui.toml`. Nothing here is imported by
`tutor --help`: the CLI imports `tutor.app.app` only when it opens the app.
"""
