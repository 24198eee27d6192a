"""Preview a schedule before training: simulate it, chart it in the terminal, plot it, or run the CLI."""
