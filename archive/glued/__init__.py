"""Split glued digit runs of 表三/表四 rows back into their cells, using the tables' arithmetic.

Some pages lose their cell boundaries when turned into text: the row
``一、本年新收政府信息公开申请数量801000081`` holds 80, 1, 0, 0, 0, 0, 81. The digits alone
rarely decide the split (``220000022`` is 22,0,0,0,0,0,22 or 2,20,0,0,0,0,22, both summing
right), but the template's sums usually do once every row is considered together: the
column totals, the 勾稽关系 and the rows' own totals. So rows are solved jointly, and a
value is returned only when it is *the* split consistent with every constraint; anything
else is reported, never guessed, because a wrong number in an archive of official
figures is worse than a blank with a warning.

A run is ASCII digits, possibly with whitespace; whitespace is a certain cell boundary
(``230 000023``). Numbers have no leading zeros except a lone ``0``. The caller
NFKC-folds the text and cuts the run off its label.

- ``splits``: ``cell_splits``, the one enumerator of the ways digits make cells (also
  used for 表二 and the pre-2019 统计表);
- ``joint``: ``solve``, the generic joint solver over linear constraints;
- ``tables``: ``split_t3`` and ``split_t4``, the solver bound to the templates.
"""

from .joint import Cell, LinearConstraint, Solution, Status, solve
from .splits import Budget, RowConstraint, by_segment, cell_splits
from .tables import T4_RUN, split_t3, split_t4, t3_constraints, t4_constraints

__all__ = [
    "T4_RUN", "Budget", "Cell", "LinearConstraint", "RowConstraint", "Solution", "Status",
    "by_segment", "cell_splits", "solve", "split_t3", "split_t4", "t3_constraints",
    "t4_constraints",
]
