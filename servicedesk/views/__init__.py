"""Service desk screens, one module per topic."""
