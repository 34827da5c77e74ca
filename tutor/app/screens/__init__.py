"""The app's screens: the lesson map, a lesson, help (and the playground)."""
