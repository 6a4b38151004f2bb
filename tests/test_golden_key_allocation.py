"""Hand-worked golden cases for the reference key, its rounding, apportionment and the proposal."""
