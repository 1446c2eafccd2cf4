"""The words of the site's own interface, one file per language (page content comes from the articles):
a translator edits one file, and a test checks that both languages have the same keys and placeholders."""

from types import MappingProxyType

from . import ar, en

UI = MappingProxyType({"ar": MappingProxyType(ar.WORDS), "en": MappingProxyType(en.WORDS)})
