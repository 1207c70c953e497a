"""Postman in and out: import a Postman environment, export environments and collections."""

from lib.postman.collection import quickstart_collection
from lib.postman.environment import (
    PostmanImportError,
    environment_for,
    read_environment,
    settings_from_environment,
)
from lib.postman.recorded import run_collection

__all__ = [
    "PostmanImportError",
    "environment_for",
    "quickstart_collection",
    "read_environment",
    "run_collection",
    "settings_from_environment",
]
