"""pyqtgraph chart components: each gets a Qt-free series value and updates its items in place."""
