"""The app's widgets, one concern each; `plot_view.py` (plots) is shared with the playground."""
