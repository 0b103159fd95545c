"""The notebook face: `%load_ext code2video_nb`, the magics, section cells, previews, the panel.

Imported only when the extension is loaded, so the engine and the CLI never pull in IPython.
"""
