"""The check kinds: the registry (rules.checks.base) and the kinds shipped with the engine.
Importing this package registers them."""

from rules.checks import licence_image, option, penalty, price, uscc
from rules.checks.base import CHECK_KINDS, Check, Finding, check_type, register_check, unregister_check

__all__ = [
    "CHECK_KINDS",
    "Check",
    "Finding",
    "check_type",
    "register_check",
    "unregister_check",
    "licence_image",
    "option",
    "penalty",
    "price",
    "uscc",
]
