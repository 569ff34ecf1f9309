"""The trainer's desktop: programs, the exercise library, athletes, progress.

``window.py`` is the shell (tabs, PIN gate, menus); each tab is its own module.
"""
