"""conftest.py - the package under test comes from ../ (or PYTHONPATH); the
tests find the source tree, the pel program and the headers through the
environment ctest sets (PEL_SOURCE_DIR, PEL_CLI, PEL_INCLUDE_DIRS)."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("PEL_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
if not os.environ.get("PEL_TEST_INSTALLED"):
    sys.path.insert(0, os.path.join(SOURCE_DIR, "python"))


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def pel_cli():
    path = os.environ.get("PEL_CLI")
    if not path:
        pytest.skip("PEL_CLI (the pel program) not set")
    return path
