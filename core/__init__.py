"""Shared kernel: the domain error type and the after-commit side-effect helper."""
