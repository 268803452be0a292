"""What pyproject.toml cannot say: the top-level resources/ folder ships as desktop.resources."""

from setuptools import find_packages, setup

RESOURCES = ["desktop.resources", "desktop.resources.icons"]

setup(
    packages=find_packages(include=["desktop", "desktop.*"]) + RESOURCES,
    package_dir={"desktop.resources": "resources"},
)
