"""Simplified and traditional spellings (opencc, offline), one converter per direction per process."""

from functools import lru_cache


@lru_cache(maxsize=2)
def converter(config: str):
    """``"t2s"`` (traditional to simplified) or ``"s2t"``; built once, on first use."""
    import opencc

    return opencc.OpenCC(config)


def simplified(text: str) -> str:
    """``text`` with traditional characters written in simplified ones (銷售 → 销售)."""
    return converter("t2s").convert(text)
