"""The Paradox Framework's modules."""
