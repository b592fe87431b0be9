"""What the reader is reading at the moment: the state that says where a line goes.

A heading sets the mode (岗位职责 → duties, 任职要求 → requirements, 考核指标 →
KPIs …). The reader keeps its current mode, and the mode each item was read in,
in plain attributes of its own (``Reader.mode``, ``Reader.modes``); finishing
turns an item's mode into its kind.
"""

import enum


class Mode(enum.Enum):
    DUTIES = "duties"
    MIXED = "mixed"  # 职责与权限: duties, and rights among them
    AUTHORITIES = "authorities"
    SUMMARY = "summary"
    REQUIREMENTS = "requirements"
    KPIS = "kpis"
