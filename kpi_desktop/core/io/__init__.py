"""Reading marketers' real exports into canonical facts."""
