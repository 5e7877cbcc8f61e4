"""Word documents in the GB/T 9704-2012 official-document layout.

`gbt9704` is the shared engine (page setup, styles, headings, tables, page numbers); every other module here
turns one plain data object into the bytes of one `.docx`.
"""
