"""The one thing pyproject.toml cannot say: the top-level resources/ folder ships as desktop.resources."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["desktop", "desktop.*"]) + ["desktop.resources", "desktop.resources.icons"],
    package_dir={"desktop.resources": "resources"},
)
