"""``aerolite.sync``: the SDK's blocking face (see :mod:`aerolite.sdk.sync`)."""

from aerolite.sdk.sync import *  # noqa: F403 - this module is the public alias of that package
from aerolite.sdk.sync import __all__ as __all__
