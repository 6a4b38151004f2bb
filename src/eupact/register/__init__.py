"""The Pact's obligations register (the Common Implementation Plan as a living register): who must
do what, by when or how often, under which article of the ten acts, in which building block.

* :mod:`.model` — an :class:`~.model.Obligation` and the ten building blocks;
* :mod:`.load` — the curated register (``parameters/register/<act>.yaml``);
* :mod:`.extract` — candidates proposed from the Official Journal texts, for curation.
"""

from eupact.register.load import load_register
from eupact.register.model import ACTS, BLOCKS, Addressee, Block, Kind, Obligation

__all__ = ["ACTS", "BLOCKS", "Addressee", "Block", "Kind", "Obligation", "load_register"]
