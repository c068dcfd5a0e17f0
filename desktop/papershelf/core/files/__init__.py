"""Files attached to papers: the files folder beside the library, and opening a paper."""
