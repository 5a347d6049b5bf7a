"""Only what pyproject.toml cannot say: ``resources/`` is installed as ``desktop_app.resources``.

A package-dir mapping needs the mapped package in the package list, and pyproject's automatic
discovery cannot add one; everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["desktop_app", "desktop_app.*"]), "desktop_app.resources"],
    package_dir={"desktop_app.resources": "resources"},
)
