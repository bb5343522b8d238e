"""Maintainer programs behind tasks.py: notebook sync and learner copies, the fork tool, the data kit, the run report.

They may import the course package (tf2_hands_on); the package never imports them.
"""
