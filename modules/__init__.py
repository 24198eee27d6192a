"""The Paradox Framework's source tree, as seen from the repository root."""
