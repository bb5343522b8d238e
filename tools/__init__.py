"""Maintainer tools (standard library only): notebook cleaning, badges, the README table."""
