"""The Paradox Framework. ``paradox.scheduler`` schedules learning rates."""
