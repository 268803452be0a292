"""Files the window loads: the application icon, the style sheet and the stroke icons.

The folder sits at the top of the repository and is installed as `desktop.resources` (see
setup.py), so the same names resolve in a checkout, a wheel and the PyInstaller bundle.
"""
