"""Replaces the community hook: Faker for the demo data only, so only its French and default English locales."""

import re

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

KEPT_LOCALES = {"fr_FR", "fr", "en_US", "en"}
_LOCALE = re.compile(r"^faker[./\\]providers[./\\][a-z_]+[./\\]([a-z]{2,3}(?:_[A-Z]{2})?)(?:[./\\]|$)")


def _kept(name):
    match = _LOCALE.match(name)
    return match is None or match.group(1) in KEPT_LOCALES


hiddenimports = [name for name in collect_submodules("faker.providers") if _kept(name)]
# Faker lists the locales of a frozen app by globbing <provider>/<locale>/__init__.py on disk.
datas = [
    (src, dest)
    for src, dest in collect_data_files("faker.providers", include_py_files=True)
    if _kept(dest + "/")
]
