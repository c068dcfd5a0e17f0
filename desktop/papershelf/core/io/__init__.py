"""Reading and writing other formats: seed documents, BibTeX, CSV, CSL-JSON, Markdown."""
