"""The X OpenAPI contract checks; they live in ``tests.support.contract_x`` (kept importable
here for the tests that used this module)."""

from tests.support.contract_x import X_SERVER, XContract, load_spec, specs_dir

__all__ = ["X_SERVER", "XContract", "load_spec", "specs_dir"]
