"""eupact: the EU Pact on Migration and Asylum's annual cycle as explainable software."""

__version__ = "0.1.0"
