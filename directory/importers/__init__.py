"""Reading and writing places in files: the formats, the crosswalks, and the one write path."""
